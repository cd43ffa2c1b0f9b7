# The simulator's binaries (quickmart-sim and the simulator benchmarks) run on jemalloc. A run
# allocates and frees millions of short-lived objects on one thread (coroutine frames,
# messages, JSON values, SQLite pages); checkout_rush takes about a tenth fewer instructions
# on jemalloc than on glibc's malloc (callgrind). Allocation never decides what a run does, so
# the trace hash is the same on either. Sanitizer builds keep the sanitizer's allocator.
# jemalloc goes in statically when its position-independent archive is installed
# (libjemalloc-dev ships one), for the reason SQLite does: every allocation and free is then
# a direct call instead of a jump through the PLT.
option(QUICKMART_SIM_JEMALLOC "Link the simulator binaries with jemalloc" ON)
if(QUICKMART_SIM_JEMALLOC AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  find_library(QM_JEMALLOC_ARCHIVE NAMES libjemalloc_pic.a)
endif()

function(qm_use_sim_allocator target)
  if(QM_JEMALLOC_ARCHIVE)
    target_link_libraries(${target} PRIVATE ${QM_JEMALLOC_ARCHIVE} Threads::Threads ${CMAKE_DL_LIBS} m)
  elseif(TARGET PkgConfig::JEMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()
