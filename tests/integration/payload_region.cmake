# hvt maps the image's payload (program, manifest, file system) from the image file, outside
# guest RAM: --mem holds only what the kernel and the program write. QEMU loads the payload into
# RAM, so there it still counts (included by CMakeLists.txt, after ingot_case and the images).

set(BIG_FS_IMAGE ${IMAGES}/big_filesystem.img)
# A 20 MB file in the image's file system and 16 MiB of guest memory.
ingot_case(image.build_big_filesystem_small_memory SETUP ingot_image_big_filesystem
  CHECKS --stdout-empty --stderr-empty --file-exists ${BIG_FS_IMAGE}
  COMMAND ${INGOT_TEST_BASH} -c "head -c 20000000 /dev/zero > big.bin && ${INGOT} build ${PROGRAMS}/hello -o ${BIG_FS_IMAGE} --mem 16M --env GREETING=howdy --add big.bin:/big.bin -- x y")
ingot_case(hvt.big_filesystem_small_memory KVM REQUIRES ingot_image_big_filesystem
  CHECKS --stdout-file ${EXPECTED}/c_hello.txt --stderr-empty
  COMMAND ${INGOT} run ${BIG_FS_IMAGE})
ingot_refusal_case(qemu.run_big_filesystem_small_memory NEEDS QEMU
  REQUIRES ingot_image_big_filesystem
  MESSAGE "the image's memory size, 16 MiB, is too small for this image: it needs at least"
  COMMAND ${INGOT} run --platform qemu ${BIG_FS_IMAGE})

# python3 with its standard library (74 MiB of payload) in 24 MiB of RAM; copying the payload
# into RAM needed 84 MiB for `-c pass` alone.
if(EXISTS /usr/bin/python3)
  ingot_case(hvt.python3_stdlib_small_memory KVM REQUIRES ingot_image_python3 TIMEOUT 60
    CHECKS ${DEBIAN_CLEAN} --stdout-file ${EXPECTED}/python_stdlib_tour.txt
    COMMAND ${INGOT} run --mem 24M ${IMAGES}/python3.img)
else()
  ingot_case(hvt.python3_stdlib_small_memory SKIP "/usr/bin/python3 is not installed"
    COMMAND true)
endif()
