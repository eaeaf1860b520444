# ingot_man_pages(TARGET SECTION): at build time, a man page for an executable target and one
# for each of its commands (cmake/GenerateManPages.cmake, help2man on the built program's
# --help), installed into man/manSECTION. Without help2man the pages are left out, with a
# warning: the tool itself does not need them.
find_program(INGOT_HELP2MAN help2man)
if(NOT INGOT_HELP2MAN)
  message(WARNING "help2man was not found: no man pages will be built or installed "
                  "(Debian package help2man)")
endif()

function(ingot_man_pages target section)
  if(NOT INGOT_HELP2MAN)
    return()
  endif()
  set(directory ${PROJECT_BINARY_DIR}/man/${target})
  set(stamp ${directory}/pages.stamp)
  set(generator ${PROJECT_SOURCE_DIR}/cmake/GenerateManPages.cmake)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DHELP2MAN=${INGOT_HELP2MAN} -DPROGRAM=$<TARGET_FILE:${target}>
            -DNAME=${target} -DSECTION=${section} -DVERSION=${PROJECT_VERSION}
            -DOUTPUT_DIR=${directory} -P ${generator}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    DEPENDS ${target} ${generator}
    COMMENT "Writing the man pages of ${target} with help2man"
    VERBATIM)
  add_custom_target(${target}-man-pages ALL DEPENDS ${stamp})
  install(DIRECTORY ${directory}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section}
          FILES_MATCHING PATTERN "*.${section}")
endfunction()
