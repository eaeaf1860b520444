# The guest programs of the integration tests, built with the system toolchains directly (not
# with the project's compilers or flags): each is a plain Linux program that also runs natively.
#
# Variants (file name suffix):
#   glibc       gcc/g++ -O2 -g -static            (no suffix)
#   pie         gcc/g++ -O2 -g -static-pie        -pie
#   musl        musl-gcc -O2 -g -static           -musl
#   dynamic     gcc -O2 (dynamically linked)      -dynamic   (a bad input)
#
# After inclusion:
#   INGOT_TEST_PROGRAM_DIR        where the programs are
#   INGOT_TEST_BAD_INPUT_DIR      not-elf.txt, empty.bin, elf32 (from make_bad_inputs.sh)
#   INGOT_TEST_HAVE_<VARIANT>     TRUE when the variant could be built (PIE, MUSL, DYNAMIC)
#   target ingot-test-programs    builds them all (part of ALL)

set(INGOT_TEST_PROGRAM_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(INGOT_TEST_PROGRAM_DIR ${CMAKE_BINARY_DIR}/tests/programs)
set(INGOT_TEST_BAD_INPUT_DIR ${INGOT_TEST_PROGRAM_DIR}/bad)
file(MAKE_DIRECTORY ${INGOT_TEST_PROGRAM_DIR})

find_program(INGOT_TEST_GCC NAMES gcc)
find_program(INGOT_TEST_GXX NAMES g++)
find_program(INGOT_TEST_MUSL_GCC NAMES musl-gcc)
find_program(INGOT_TEST_BASH NAMES bash REQUIRED)
if(NOT INGOT_TEST_GCC OR NOT INGOT_TEST_GXX)
  message(FATAL_ERROR "The integration tests need gcc and g++ (with static glibc and libstdc++)")
endif()

# Can this toolchain link the variant? Try once at configure time.
function(_ingot_test_toolchain_works result compiler)
  set(dir ${CMAKE_BINARY_DIR}/tests/programs/probe)
  file(MAKE_DIRECTORY ${dir})
  file(WRITE ${dir}/probe.c "int main(void) { return 0; }\n")
  execute_process(COMMAND ${compiler} ${ARGN} ${dir}/probe.c -o ${dir}/probe
                  RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
  if(status EQUAL 0)
    set(${result} TRUE PARENT_SCOPE)
  else()
    set(${result} FALSE PARENT_SCOPE)
  endif()
endfunction()

_ingot_test_toolchain_works(INGOT_TEST_HAVE_PIE ${INGOT_TEST_GCC} -O2 -static-pie)
_ingot_test_toolchain_works(INGOT_TEST_HAVE_DYNAMIC ${INGOT_TEST_GCC} -O2)
set(INGOT_TEST_HAVE_MUSL FALSE)
if(INGOT_TEST_MUSL_GCC)
  _ingot_test_toolchain_works(INGOT_TEST_HAVE_MUSL ${INGOT_TEST_MUSL_GCC} -O2 -static)
endif()
if(NOT INGOT_TEST_HAVE_MUSL)
  message(STATUS "Integration tests: musl-gcc missing or broken, the musl cases will be skipped")
endif()
if(NOT INGOT_TEST_HAVE_PIE)
  message(STATUS "Integration tests: gcc cannot link -static-pie, those cases will be skipped")
endif()

set(_ingot_test_program_outputs "")

# Static Go programs (CGO_ENABLED=0), built with the build tree's own Go caches.
find_program(INGOT_TEST_GO NAMES go)
set(INGOT_TEST_HAVE_GO FALSE)
if(INGOT_TEST_GO)
  set(INGOT_TEST_HAVE_GO TRUE)
  foreach(_go_program IN ITEMS go_gc go_time go_interfaces)
    set(_go_out ${INGOT_TEST_PROGRAM_DIR}/${_go_program})
    add_custom_command(
      OUTPUT ${_go_out}
      COMMAND ${CMAKE_COMMAND} -E env CGO_ENABLED=0 GOFLAGS= GO111MODULE=off
              GOCACHE=${CMAKE_CURRENT_BINARY_DIR}/go-cache GOPATH=${CMAKE_CURRENT_BINARY_DIR}/go-path
              ${INGOT_TEST_GO} build -o ${_go_out} main.go
      WORKING_DIRECTORY ${INGOT_TEST_PROGRAM_SOURCE_DIR}/${_go_program}
      DEPENDS ${INGOT_TEST_PROGRAM_SOURCE_DIR}/${_go_program}/main.go
      COMMENT "Building test program ${_go_program} (Go)"
      VERBATIM)
    list(APPEND _ingot_test_program_outputs ${_go_out})
  endforeach()
else()
  message(STATUS "Integration tests: go missing, the Go case will be skipped")
endif()

# ingot_test_program(NAME SOURCE VARIANT): builds tests/programs/SOURCE as NAME.
function(ingot_test_program name source variant)
  set(src ${INGOT_TEST_PROGRAM_SOURCE_DIR}/${source})
  set(out ${INGOT_TEST_PROGRAM_DIR}/${name})
  if(source MATCHES "\\.cpp$")
    set(cc ${INGOT_TEST_GXX})
  else()
    set(cc ${INGOT_TEST_GCC})
  endif()
  if(variant STREQUAL "glibc")
    set(flags -O2 -g -static -pthread)
  elseif(variant STREQUAL "pie")
    if(NOT INGOT_TEST_HAVE_PIE)
      return()
    endif()
    set(flags -O2 -g -static-pie -pthread)
  elseif(variant STREQUAL "musl")
    if(NOT INGOT_TEST_HAVE_MUSL)
      return()
    endif()
    set(cc ${INGOT_TEST_MUSL_GCC})
    set(flags -O2 -g -static -pthread)
  elseif(variant STREQUAL "dynamic")
    if(NOT INGOT_TEST_HAVE_DYNAMIC)
      return()
    endif()
    set(flags -O2)
  else()
    message(FATAL_ERROR "ingot_test_program: unknown variant '${variant}'")
  endif()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${cc} ${flags} -o ${out} ${src}
    DEPENDS ${src}
    COMMENT "Building test program ${name} (${variant})"
    VERBATIM)
  set(_ingot_test_program_outputs ${_ingot_test_program_outputs} ${out} PARENT_SCOPE)
endfunction()

foreach(program IN ITEMS
    hello getenv exit_paths abort null_deref stack_overflow illegal_instruction stdin_echo
    stdin_lines stdio_split unknown_syscall threads_c bulk_output signals spinner stop_handling
    udp_echo pipes polling poll_stdin socket_api socket_local syscall_fuzzer unmap_while_blocked
    waits spin_signals fault_handlers deep_stack memory_hostile eventfd_blocking memory_defects
    memory_random realloc_growth many_threads
    container_files tcp_congestion_info udp_dual_stack ip_mtu tcp_dual_stack host_addresses
    tcp_fastopen tcp_disconnect interfaces interface_requests socket_table neighbours)
  ingot_test_program(${program} ${program}.c glibc)
endforeach()
foreach(program IN ITEMS hello_iostream threads exceptions chrono random big_alloc tcp_transfer)
  ingot_test_program(${program} ${program}.cpp glibc)
endforeach()
ingot_test_program(prctl_itimer prctl_itimer.c glibc)
ingot_test_program(mmap_flags mmap_flags.c glibc)
ingot_test_program(cpu_time cpu_time.c glibc)
ingot_test_program(peer_closed peer_closed.c glibc)
ingot_test_program(tcp_server_options tcp_server_options.c glibc)
ingot_test_program(file_advice file_advice.c glibc)
ingot_test_program(xattrs xattrs.c glibc)
ingot_test_program(priority priority.c glibc)
ingot_test_program(unix_sockets unix_sockets.c glibc)
ingot_test_program(network_absent network_absent.c glibc)
ingot_test_program(unix_socket_paths unix_socket_paths.c glibc)
ingot_test_program(hello-pie hello.c pie)
ingot_test_program(volume_io volume_io.c glibc)
ingot_test_program(null_deref-pie null_deref.c pie)
ingot_test_program(threads-pie threads.cpp pie)
ingot_test_program(hello-musl hello.c musl)
ingot_test_program(vdso_clock vdso_clock.c glibc)
ingot_test_program(vdso_clock-musl vdso_clock.c musl)
ingot_test_program(threads_c-musl threads_c.c musl)
ingot_test_program(stdio_split-musl stdio_split.c musl)
ingot_test_program(null_deref-musl null_deref.c musl)
ingot_test_program(syscall_calls syscall_calls.c glibc)
ingot_test_program(syscall_calls-pie syscall_calls.c pie)
ingot_test_program(syscall_calls-musl syscall_calls.c musl)
ingot_test_program(hello-dynamic hello.c dynamic)
ingot_test_program(file_syscalls file_syscalls.c glibc)
ingot_test_program(file_mapping_end file_mapping_end.c glibc)
ingot_test_program(fifo_open fifo_open.c glibc)
ingot_test_program(memfd_seals memfd_seals.c glibc)
ingot_test_program(seek_data seek_data.c glibc)
ingot_test_program(cwd_and_mounts cwd_and_mounts.c glibc)
ingot_test_program(overlay_moves overlay_moves.c glibc)
ingot_test_program(sendfile_socket sendfile_socket.c glibc)
include(${CMAKE_CURRENT_LIST_DIR}/dynamic_programs.cmake)

# Lua 5.4 from Debian's liblua5.4-dev, linked statically: INGOT_TEST_HAVE_LUA says whether it is
# installed (its cases are skipped otherwise).
find_file(INGOT_TEST_LUA_LIBRARY liblua5.4.a
          PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE} /usr/lib /usr/local/lib NO_DEFAULT_PATH)
find_path(INGOT_TEST_LUA_INCLUDE_DIR lua.h PATHS /usr/include/lua5.4 NO_DEFAULT_PATH)
set(INGOT_TEST_HAVE_LUA FALSE)
if(INGOT_TEST_LUA_LIBRARY AND INGOT_TEST_LUA_INCLUDE_DIR)
  set(INGOT_TEST_HAVE_LUA TRUE)
  set(_lua_out ${INGOT_TEST_PROGRAM_DIR}/lua_tables)
  add_custom_command(
    OUTPUT ${_lua_out}
    COMMAND ${INGOT_TEST_GCC} -O2 -g -static -I${INGOT_TEST_LUA_INCLUDE_DIR}
            -o ${_lua_out} ${INGOT_TEST_PROGRAM_SOURCE_DIR}/lua_tables.c ${INGOT_TEST_LUA_LIBRARY} -lm
    DEPENDS ${INGOT_TEST_PROGRAM_SOURCE_DIR}/lua_tables.c
    COMMENT "Building test program lua_tables (glibc, liblua5.4.a)"
    VERBATIM)
  list(APPEND _ingot_test_program_outputs ${_lua_out})
else()
  message(STATUS "Integration tests: liblua5.4-dev missing, the Lua cases will be skipped")
endif()

set(_bad_inputs ${INGOT_TEST_BAD_INPUT_DIR}/not-elf.txt ${INGOT_TEST_BAD_INPUT_DIR}/empty.bin
                ${INGOT_TEST_BAD_INPUT_DIR}/elf32)
add_custom_command(
  OUTPUT ${_bad_inputs}
  COMMAND ${INGOT_TEST_BASH} ${INGOT_TEST_PROGRAM_SOURCE_DIR}/make_bad_inputs.sh
          ${INGOT_TEST_BAD_INPUT_DIR} ${INGOT_TEST_GCC}
  DEPENDS ${INGOT_TEST_PROGRAM_SOURCE_DIR}/make_bad_inputs.sh
  COMMENT "Making bad inputs for the integration tests"
  VERBATIM)

add_custom_target(ingot-test-programs ALL DEPENDS ${_ingot_test_program_outputs} ${_bad_inputs})
