# embed_text(TARGET SYMBOL FILE): compiles FILE's text into TARGET as
# `std::string_view SYMBOL()` declared in a generated header <SYMBOL.hpp>,
# so services ship their schema.sql without reading the filesystem at run time.
function(embed_text target symbol file)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/embedded)
  set(out_cpp ${out_dir}/${symbol}.cpp)
  set(out_hpp ${out_dir}/${symbol}.hpp)
  add_custom_command(
    OUTPUT ${out_cpp} ${out_hpp}
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT_CPP=${out_cpp} -DOUT_HPP=${out_hpp} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_text_run.cmake
    DEPENDS ${file} ${PROJECT_SOURCE_DIR}/cmake/embed_text_run.cmake
    VERBATIM)
  target_sources(${target} PRIVATE ${out_cpp})
  target_include_directories(${target} PUBLIC ${out_dir})
endfunction()
