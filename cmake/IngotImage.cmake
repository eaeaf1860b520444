# ingot_add_image(<target>
#                 [OUTPUT <file>]          the image (default: <binary dir>/<target>.img)
#                 [MEMORY <size>]          ingot build --mem (e.g. 64M)
#                 [STACK <size>]           ingot build --stack
#                 [ENV NAME=VALUE...]      ingot build --env, one per variable
#                 [ADD HOST[:GUEST]...]    ingot build --add: files sealed into the image
#                 [ROOTFS <dir>]           ingot build --rootfs: a tree that becomes the image's /
#                 [ARGS <argument>...])    the program's arguments, stored in the image
#
# Seals the executable <target> into an Ingot image with `ingot build`, again whenever the
# target (or a file named by ADD) changes. The custom target <target>-image builds it and is
# part of `all`. With ROOTFS the program is placed in the tree at /usr/local/bin/<file name>,
# where a program that is not the system's goes (FHS 3.0, 4.9). Relative paths in ADD and
# ROOTFS are relative to the current source directory, as add_executable's sources are; a
# directory named by ADD or ROOTFS is read whole at each build, but a change inside one does
# not by itself start a build.
function(ingot_add_image target)
  cmake_parse_arguments(PARSE_ARGV 1 IMAGE "" "OUTPUT;MEMORY;STACK;ROOTFS" "ENV;ADD;ARGS")
  if(IMAGE_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ingot_add_image(${target}): unknown arguments: ${IMAGE_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "ingot_add_image(${target}): no such target")
  endif()
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "EXECUTABLE")
    message(FATAL_ERROR "ingot_add_image(${target}): an executable target is needed, not a ${type}")
  endif()
  if(NOT IMAGE_OUTPUT)
    set(IMAGE_OUTPUT ${target}.img)
  endif()
  cmake_path(ABSOLUTE_PATH IMAGE_OUTPUT BASE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

  set(options)
  set(depends ${target})
  if(DEFINED IMAGE_MEMORY)
    list(APPEND options --mem ${IMAGE_MEMORY})
  endif()
  if(DEFINED IMAGE_STACK)
    list(APPEND options --stack ${IMAGE_STACK})
  endif()
  foreach(variable IN LISTS IMAGE_ENV)
    list(APPEND options --env ${variable})
  endforeach()
  foreach(mapping IN LISTS IMAGE_ADD)
    list(APPEND options --add ${mapping})
    string(REGEX REPLACE ":.*" "" host ${mapping})
    cmake_path(ABSOLUTE_PATH host BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
    if(EXISTS ${host} AND NOT IS_DIRECTORY ${host})
      list(APPEND depends ${host})
    endif()
  endforeach()
  if(DEFINED IMAGE_ROOTFS)
    set(program /usr/local/bin/$<TARGET_FILE_NAME:${target}>)
    list(APPEND options --rootfs ${IMAGE_ROOTFS} --add $<TARGET_FILE:${target}>:${program})
  else()
    set(program $<TARGET_FILE:${target}>)
  endif()

  add_custom_command(
    OUTPUT ${IMAGE_OUTPUT}
    COMMAND Ingot::ingot build ${program} -o ${IMAGE_OUTPUT} ${options} -- ${IMAGE_ARGS}
    DEPENDS ${depends}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "Sealing ${target} into the Ingot image ${IMAGE_OUTPUT}"
    VERBATIM)
  add_custom_target(${target}-image ALL DEPENDS ${IMAGE_OUTPUT})
endfunction()
