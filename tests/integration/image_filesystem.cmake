# The image's file system: --add, --rootfs and `ingot inspect --files` (included by
# CMakeLists.txt, after ingot_case and ingot_platform_cases).

set(FILES_TREE ${DATA}/files_tree)

ingot_case(image.inspect_files
  CHECKS --stderr-empty --stdout-file ${EXPECTED}/inspect_files.txt
  COMMAND ${INGOT_TEST_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/inspect_files.sh ${INGOT}
          ${PROGRAMS}/hello ${FILES_TREE} ${WORK}/image.inspect_files)
# A static program with no files carries no file-system section.
ingot_case(image.inspect_no_files REQUIRES ingot_image_hello
  CHECKS --stderr-empty --stdout-empty
  COMMAND ${INGOT} inspect --files ${IMAGES}/hello.img)
ingot_case(image.inspect_summary_counts_files
  CHECKS --stderr-empty --stdout-regex "^files +5 paths in [0-9.]+ [KM]iB, the program among them$"
  COMMAND ${INGOT_TEST_BASH} -c "rm -rf tree && mkdir -p tree/bin tree/etc && cp ${PROGRAMS}/hello tree/bin/ && cp ${FILES_TREE}/etc/app.conf tree/etc/ && ${INGOT} build --rootfs tree /bin/hello -o rootfs.img && ${INGOT} inspect rootfs.img")

# Bad input: one line, exit 2, no image left behind.
set(FS_OUT ${IMAGES}/must-not-exist-fs.img)
ingot_refusal_case(image.build_add_missing MESSAGE "cannot add '.*no-such-file'.*No such file"
  CHECKS --no-file ${FS_OUT}.missing
  COMMAND ${INGOT} build ${PROGRAMS}/hello -o ${FS_OUT}.missing --add ${DATA}/no-such-file)
ingot_refusal_case(image.build_add_relative_guest MESSAGE "--add .*'etc/app.conf' is not absolute"
  CHECKS --no-file ${FS_OUT}.relative
  COMMAND ${INGOT} build ${PROGRAMS}/hello -o ${FS_OUT}.relative
          --add ${FILES_TREE}/etc/app.conf:etc/app.conf)
ingot_refusal_case(image.build_rootfs_not_directory MESSAGE "--rootfs '.*hello' is not a directory"
  CHECKS --no-file ${FS_OUT}.rootfs
  COMMAND ${INGOT} build --rootfs ${PROGRAMS}/hello /hello -o ${FS_OUT}.rootfs)
ingot_refusal_case(image.build_rootfs_program_missing
  MESSAGE "the program '/bin/nothing' is not a regular file in --rootfs"
  CHECKS --no-file ${FS_OUT}.noprogram
  COMMAND ${INGOT} build --rootfs ${FILES_TREE} /bin/nothing -o ${FS_OUT}.noprogram)
# hvt keeps the file system outside RAM (payload_region.cmake): what must be in RAM is refused.
ingot_refusal_case(image.build_filesystem_over_memory
  MESSAGE "the image's file system \\(.*\\) does not fit in 2 MiB of guest memory"
  CHECKS --no-file ${FS_OUT}.big
  COMMAND ${INGOT_TEST_BASH} -c "head -c 20000000 /dev/zero > big.bin && ${INGOT} build ${PROGRAMS}/hello -o ${FS_OUT}.big --mem 2M --add big.bin:/big.bin")
ingot_refusal_case(image.run_add_to_image REQUIRES ingot_image_hello
  MESSAGE "--add and --rootfs are for programs"
  COMMAND ${INGOT} run ${IMAGES}/hello.img --add ${FILES_TREE}:/srv)

# The program's bytes inside the file system: the kernel loads it from there.
foreach(platform IN LISTS INGOT_TEST_PLATFORMS)
  if(platform STREQUAL "hvt")
    set(guest KVM)
  else()
    set(guest QEMU)
  endif()
  ingot_case(${platform}.rootfs_program ${guest}
    CHECKS --stdout-file ${EXPECTED}/c_hello.txt --stderr-empty
    COMMAND ${INGOT_TEST_BASH} -c "rm -rf tree && mkdir -p tree/bin && cp ${PROGRAMS}/hello tree/bin/ && ${INGOT} run --platform ${platform} --rootfs tree /bin/hello --env GREETING=howdy -- x y")
endforeach()
