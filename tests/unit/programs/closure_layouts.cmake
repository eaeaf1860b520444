# Libraries laid out as installed software often is, found through $ORIGIN, for the
# library-closure tests (tests/unit/host/library_closure_test.cpp):
#   closure/bin/ingot-unit-rpath-program     DT_RPATH   $ORIGIN/../lib     needs top
#   closure/bin/ingot-unit-runpath-program   DT_RUNPATH $ORIGIN/../lib     needs top
#   closure/lib/libingot-closure-top.so      DT_RUNPATH ${ORIGIN}/private  needs middle
#   closure/lib/private/libingot-closure-middle.so  (no path)              needs leaf
#   closure/lib/libingot-closure-leaf.so
# ld.so(8): middle finds leaf only through the program's DT_RPATH, which dependencies inherit;
# a DT_RUNPATH is not inherited, so the runpath program cannot load.
set(INGOT_UNIT_CLOSURE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/programs/closure)
add_library(ingot-closure-leaf SHARED programs/closure/leaf.c)
add_library(ingot-closure-middle SHARED programs/closure/middle.c)
target_link_libraries(ingot-closure-middle PRIVATE ingot-closure-leaf)
add_library(ingot-closure-top SHARED programs/closure/top.c)
target_link_libraries(ingot-closure-top PRIVATE ingot-closure-middle)
add_executable(ingot-unit-rpath-program programs/closure/program.c)
target_link_libraries(ingot-unit-rpath-program PRIVATE ingot-closure-top)
add_executable(ingot-unit-runpath-program programs/closure/program.c)
target_link_libraries(ingot-unit-runpath-program PRIVATE ingot-closure-top)
# Only the paths written here, none of CMake's absolute build-tree directories.
set_target_properties(ingot-closure-leaf ingot-closure-middle ingot-closure-top
  ingot-unit-rpath-program ingot-unit-runpath-program PROPERTIES
  BUILD_WITH_INSTALL_RPATH ON)
set_target_properties(ingot-closure-leaf ingot-closure-top PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${INGOT_UNIT_CLOSURE_DIRECTORY}/lib)
set_target_properties(ingot-closure-middle PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${INGOT_UNIT_CLOSURE_DIRECTORY}/lib/private)
set_target_properties(ingot-closure-top PROPERTIES INSTALL_RPATH "\${ORIGIN}/private")
set_target_properties(ingot-unit-rpath-program ingot-unit-runpath-program PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${INGOT_UNIT_CLOSURE_DIRECTORY}/bin
  INSTALL_RPATH "\$ORIGIN/../lib")
target_link_options(ingot-closure-top PRIVATE LINKER:--enable-new-dtags)
target_link_options(ingot-unit-rpath-program PRIVATE LINKER:--disable-new-dtags)
target_link_options(ingot-unit-runpath-program PRIVATE LINKER:--enable-new-dtags)
add_custom_target(ingot-unit-closure-layouts DEPENDS
  ingot-unit-rpath-program ingot-unit-runpath-program)
# Only the closure tests learn where the layouts are (a definition on the whole test target
# would change every test file's command line and recompile them all).
set_source_files_properties(
  host/closure_test_support.cpp
  host/dynamic_info_test.cpp
  host/ld_so_cache_test.cpp
  host/guest_tree_test.cpp
  host/library_closure_test.cpp
  host/library_closure_layout_test.cpp
  PROPERTIES COMPILE_DEFINITIONS INGOT_TEST_CLOSURE_DIRECTORY="${INGOT_UNIT_CLOSURE_DIRECTORY}")

# A musl dynamically linked program (interpreter /lib/ld-musl-x86_64.so.1), when musl-gcc
# (musl-tools) is installed; the test that reads it is skipped otherwise.
set(INGOT_UNIT_MUSL_PROGRAM ${INGOT_UNIT_CLOSURE_DIRECTORY}/musl/hello)
find_program(INGOT_UNIT_MUSL_GCC musl-gcc)
if(INGOT_UNIT_MUSL_GCC)
  add_custom_command(
    OUTPUT ${INGOT_UNIT_MUSL_PROGRAM}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${INGOT_UNIT_CLOSURE_DIRECTORY}/musl
    COMMAND ${INGOT_UNIT_MUSL_GCC} ${CMAKE_CURRENT_SOURCE_DIR}/programs/hello.c
            -o ${INGOT_UNIT_MUSL_PROGRAM}
    DEPENDS programs/hello.c
    COMMENT "Building a musl dynamically linked program")
  add_custom_target(ingot-unit-musl-dynamic-program DEPENDS ${INGOT_UNIT_MUSL_PROGRAM})
  add_dependencies(ingot-unit-closure-layouts ingot-unit-musl-dynamic-program)
endif()
