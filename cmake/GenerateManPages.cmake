# Writes a program's man pages with help2man from its own --help, so that a page never repeats
# by hand what the program says: PROGRAM.SECTION for the program, and NAME-COMMAND.SECTION for
# each command its help lists under "Subcommands:" (CLI11's layout), as git and podman name theirs.
#   cmake -DHELP2MAN=... -DPROGRAM=/path/to/ingot -DNAME=ingot -DSECTION=1 -DVERSION=0.1.0
#         -DOUTPUT_DIR=... -P GenerateManPages.cmake
foreach(variable HELP2MAN PROGRAM NAME SECTION VERSION OUTPUT_DIR)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "GenerateManPages.cmake: -D${variable}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${PROGRAM} --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} --help failed (${status})")
endif()
string(REGEX REPLACE "\n.*" "" summary "${help}")
# "Ingot: run ..." names the program once already: the NAME line says "ingot - run ...".
string(REGEX REPLACE "^[^ :]+: " "" summary "${summary}")

set(commands)
set(in_commands FALSE)
# One list element a line; a ';' in a line is text, not a separator.
string(REPLACE ";" "\\;" lines "${help}")
string(REPLACE "\n" ";" lines "${lines}")
foreach(line IN LISTS lines)
  if(line STREQUAL "Subcommands:")
    set(in_commands TRUE)
  elseif(in_commands AND line MATCHES "^  ([a-z][a-z0-9-]*)  +(.+)$")
    list(APPEND commands ${CMAKE_MATCH_1})
    set(summary_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  elseif(in_commands)
    set(in_commands FALSE)
  endif()
endforeach()

# Pages of commands that no longer exist must not be installed.
file(GLOB stale ${OUTPUT_DIR}/*.${SECTION})
if(stale)
  file(REMOVE ${stale})
endif()
file(MAKE_DIRECTORY ${OUTPUT_DIR})

set(see_also ".BR ${NAME} (${SECTION})")
foreach(command IN LISTS commands)
  string(APPEND see_also ",\n.BR ${NAME}-${command} (${SECTION})")
endforeach()

# help2man [--help-option ARGS] PAGE-NAME SUMMARY: one page.
function(write_page page help_option summary)
  set(include_file ${OUTPUT_DIR}/${page}.h2m)
  file(WRITE ${include_file} "[SEE ALSO]\n${see_also}\n")
  execute_process(
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section ${SECTION}
            --help-option "${help_option}" --version-string "${page} ${VERSION}"
            --source "${NAME} ${VERSION}" --name "${summary}" --include ${include_file}
            --output ${OUTPUT_DIR}/${page}.${SECTION} ${PROGRAM}
    RESULT_VARIABLE status)
  file(REMOVE ${include_file})
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "help2man failed on '${PROGRAM} ${help_option}' (${status})")
  endif()
endfunction()

write_page(${NAME} "--help" "${summary}")
foreach(command IN LISTS commands)
  write_page(${NAME}-${command} "${command} --help" "${summary_${command}}")
endforeach()
