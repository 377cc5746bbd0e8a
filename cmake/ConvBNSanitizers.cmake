# Sanitizer builds (docs/testing.md, "Sanitizers"; scripts/test-sanitizers.sh).
#
# The option is LLVM's own, LLVM_USE_SANITIZER, which HandleLLVMOptions turns
# into CMAKE_C_FLAGS / CMAKE_CXX_FLAGS, so it instruments everything this
# project compiles and links (libraries, convbn-opt, the runtime, the fake
# driver, the unit tests):
#
#   cmake -DLLVM_USE_SANITIZER="Address;Undefined" ...
#
# Supported: Address, Undefined, and both. libMLIR.so (Debian's) is not
# instrumented; MemorySanitizer needs every library instrumented and is refused.
#
# Included before HandleLLVMOptions: LLVM's top-level CMakeLists defines
# LLVM_UBSAN_FLAGS, which HandleLLVMOptions reads, so against an installed
# LLVM the project has to define it (LLVM's default names
# -fno-sanitize=function, which GCC rejects). convbn_sanitizer_settings(),
# called after HandleLLVMOptions, sets what code built or loaded outside CMake
# needs:
#   CONVBN_SANITIZER_FLAGS   compile and link flags for programs that tests
#                            build (%host_cc) and for convbn-aot's link, which
#                            puts the instrumented static runtime in a library
#   CONVBN_ASAN_RUNTIME      the shared ASan runtime, which uninstrumented
#                            programs that load instrumented libraries
#                            (mlir-runner -shared-libs=, Python's ctypes) must
#                            preload (LD_PRELOAD): ASan has to come first

set(LLVM_USE_SANITIZER "" CACHE STRING
  "Sanitizers for convbn's own code: Address, Undefined or \"Address;Undefined\"")

if(LLVM_USE_SANITIZER)
  if(NOT LLVM_USE_SANITIZER MATCHES "^(Address|Undefined|Address;Undefined|Undefined;Address)$")
    message(FATAL_ERROR "convbn: LLVM_USE_SANITIZER=${LLVM_USE_SANITIZER} is not supported; "
      "use Address, Undefined or \"Address;Undefined\" (libMLIR.so is not instrumented)")
  endif()
  # UBSan: every check, none of them recoverable (UB fails the test). vptr
  # needs the RTTI of classes defined in the uninstrumented libMLIR.so; LLVM
  # turns it off in its own sanitizer builds too.
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(_convbn_ubsan "-fsanitize=undefined -fno-sanitize=vptr,function -fno-sanitize-recover=all")
  else()
    set(_convbn_ubsan "-fsanitize=undefined -fno-sanitize=vptr -fno-sanitize-recover=all")
  endif()
  set(LLVM_UBSAN_FLAGS "${_convbn_ubsan}" CACHE STRING
    "UndefinedBehaviorSanitizer flags that LLVM_USE_SANITIZER=Undefined adds")
  # Clang links its ASan runtime statically into executables by default; one
  # shared runtime is what an uninstrumented host can preload, and a process
  # must not hold two.
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND LLVM_USE_SANITIZER MATCHES "Address")
    string(APPEND CMAKE_C_FLAGS " -shared-libasan")
    string(APPEND CMAKE_CXX_FLAGS " -shared-libasan")
  endif()
endif()

macro(convbn_sanitizer_settings)
  set(CONVBN_SANITIZER_FLAGS "")
  set(CONVBN_ASAN_RUNTIME "")
  if(LLVM_USE_SANITIZER)
    string(TOUPPER "${CMAKE_BUILD_TYPE}" _convbn_build_type)
    # Line tables for the reports (HandleLLVMOptions adds -gline-tables-only
    # for Clang only).
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND
       NOT _convbn_build_type MATCHES "^(DEBUG|RELWITHDEBINFO)$")
      string(APPEND CMAKE_C_FLAGS " -g1")
      string(APPEND CMAKE_CXX_FLAGS " -g1")
    endif()
    set(CONVBN_SANITIZER_FLAGS -fno-omit-frame-pointer)
    if(LLVM_USE_SANITIZER MATCHES "Address")
      list(APPEND CONVBN_SANITIZER_FLAGS -fsanitize=address)
      if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        list(APPEND CONVBN_SANITIZER_FLAGS -shared-libasan)
      endif()
    endif()
    if(LLVM_USE_SANITIZER MATCHES "Undefined")
      separate_arguments(_convbn_ubsan_list UNIX_COMMAND "${LLVM_UBSAN_FLAGS}")
      list(APPEND CONVBN_SANITIZER_FLAGS ${_convbn_ubsan_list})
    endif()
    if(LLVM_USE_SANITIZER MATCHES "Address")
      if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        set(_convbn_asan_names
          libclang_rt.asan.so libclang_rt.asan-${CMAKE_SYSTEM_PROCESSOR}.so)
      else()
        set(_convbn_asan_names libasan.so)
      endif()
      set(CONVBN_ASAN_RUNTIME_PATH "" CACHE FILEPATH
        "The shared ASan runtime, preloaded into uninstrumented hosts (empty: ask the compiler)")
      if(CONVBN_ASAN_RUNTIME_PATH)
        set(CONVBN_ASAN_RUNTIME "${CONVBN_ASAN_RUNTIME_PATH}")
      endif()
      foreach(_convbn_name ${_convbn_asan_names})
        if(CONVBN_ASAN_RUNTIME)
          break()
        endif()
        execute_process(
          COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${_convbn_name}
          OUTPUT_VARIABLE _convbn_path OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(IS_ABSOLUTE "${_convbn_path}" AND EXISTS "${_convbn_path}")
          get_filename_component(CONVBN_ASAN_RUNTIME "${_convbn_path}" REALPATH)
        endif()
      endforeach()
      if(NOT CONVBN_ASAN_RUNTIME)
        message(FATAL_ERROR "convbn: no shared ASan runtime found with "
          "`${CMAKE_CXX_COMPILER} -print-file-name=`; set CONVBN_ASAN_RUNTIME_PATH")
      endif()
    endif()
    string(REPLACE ";" " " CONVBN_SANITIZER_FLAGS_STRING "${CONVBN_SANITIZER_FLAGS}")
    message(STATUS "convbn: sanitizers ${LLVM_USE_SANITIZER}: ${CONVBN_SANITIZER_FLAGS_STRING}")
    if(CONVBN_ASAN_RUNTIME)
      message(STATUS "convbn: ASan runtime for uninstrumented hosts: ${CONVBN_ASAN_RUNTIME}")
    endif()
  else()
    set(CONVBN_SANITIZER_FLAGS_STRING "")
  endif()
endmacro()
