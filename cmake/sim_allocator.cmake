# The simulator's binaries (quickmart-sim and the simulator benchmarks) run on jemalloc. A run
# allocates and frees millions of short-lived objects on one thread (coroutine frames,
# messages, JSON values, SQLite pages); checkout_rush takes about a tenth fewer instructions
# on jemalloc than on glibc's malloc (callgrind). Allocation never decides what a run does, so
# the trace hash is the same on either. Sanitizer builds keep the sanitizer's allocator.
option(QUICKMART_SIM_JEMALLOC "Link the simulator binaries with jemalloc" ON)
if(QUICKMART_SIM_JEMALLOC AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()

function(qm_use_sim_allocator target)
  if(TARGET PkgConfig::JEMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()
