# Dynamically linked test programs and the library they dlopen (included by programs.cmake):
#   dynamic_loading-dynamic       gcc -O2 (glibc's ld-linux-x86-64.so.2)
#   dynamic_loading-musl-dynamic  musl-gcc -O2 (musl's /lib/ld-musl-x86_64.so.1)
#   vdso_clock-dynamic            gcc -O2 (glibc's dynamic linker finds the vDSO itself)
#   libingot_plugin.so, libingot_plugin-musl.so   -shared -fPIC
# INGOT_TEST_HAVE_MUSL_DYNAMIC says whether musl-gcc can link dynamically here.

set(INGOT_TEST_HAVE_MUSL_DYNAMIC FALSE)
if(INGOT_TEST_MUSL_GCC)
  _ingot_test_toolchain_works(INGOT_TEST_HAVE_MUSL_DYNAMIC ${INGOT_TEST_MUSL_GCC} -O2)
endif()

# _ingot_dynamic_program(OUTPUT SOURCE COMPILER FLAGS...)
function(_ingot_dynamic_program out source cc)
  add_custom_command(
    OUTPUT ${INGOT_TEST_PROGRAM_DIR}/${out}
    COMMAND ${cc} ${ARGN} -o ${INGOT_TEST_PROGRAM_DIR}/${out}
            ${INGOT_TEST_PROGRAM_SOURCE_DIR}/${source}
    DEPENDS ${INGOT_TEST_PROGRAM_SOURCE_DIR}/${source}
    COMMENT "Building test program ${out} (dynamically linked)"
    VERBATIM)
  set(_ingot_test_program_outputs ${_ingot_test_program_outputs}
      ${INGOT_TEST_PROGRAM_DIR}/${out} PARENT_SCOPE)
endfunction()

if(INGOT_TEST_HAVE_DYNAMIC)
  _ingot_dynamic_program(dynamic_loading-dynamic dynamic_loading.c ${INGOT_TEST_GCC} -O2)
  _ingot_dynamic_program(libingot_plugin.so plugin.c ${INGOT_TEST_GCC} -O2 -shared -fPIC)
  _ingot_dynamic_program(vdso_clock-dynamic vdso_clock.c ${INGOT_TEST_GCC} -O2)
  _ingot_dynamic_program(syscall_calls-dynamic syscall_calls.c ${INGOT_TEST_GCC} -O2)
endif()
if(INGOT_TEST_HAVE_MUSL_DYNAMIC)
  _ingot_dynamic_program(dynamic_loading-musl-dynamic dynamic_loading.c ${INGOT_TEST_MUSL_GCC} -O2)
  _ingot_dynamic_program(libingot_plugin-musl.so plugin.c ${INGOT_TEST_MUSL_GCC} -O2 -shared
                         -fPIC)
endif()
