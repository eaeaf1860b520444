# Ingot installed as a tool (cmake --install BUILD [--prefix P], or cpack -G DEB in BUILD):
# the programs, a man page per command, bash completion, and a CMake package,
# find_package(Ingot), with Ingot::ingot and ingot_add_image(). The tool needs nothing else at
# run time: the kernel is inside the ingot binary, and a detached instance's supervisor is
# ingot itself (/proc/self/exe).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
include(${CMAKE_CURRENT_LIST_DIR}/ManPages.cmake)

install(TARGETS ingot EXPORT IngotTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
ingot_man_pages(ingot 1)
# The OCI runtime is called by podman and containerd, not typed: section 8, as runc's.
install(TARGETS ingot-oci EXPORT IngotTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
ingot_man_pages(ingot-oci 8)

# bash-completion loads completions/NAME when NAME is first completed.
install(FILES ${PROJECT_SOURCE_DIR}/src/cli/ingot.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ingot)
install(FILES ${PROJECT_SOURCE_DIR}/src/cli/ingot.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ingot-oci)

set(INGOT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Ingot)
install(EXPORT IngotTargets NAMESPACE Ingot:: DESTINATION ${INGOT_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/IngotConfig.cmake.in
  ${PROJECT_BINARY_DIR}/IngotConfig.cmake INSTALL_DESTINATION ${INGOT_CMAKE_DIR})
# Before 1.0 a minor version may change the image format or the command line, so only the
# same major.minor is compatible (https://semver.org, item 4). The package holds a host tool,
# not libraries, so a project's target architecture does not matter.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/IngotConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/IngotConfig.cmake ${PROJECT_BINARY_DIR}/IngotConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/IngotImage.cmake
        DESTINATION ${INGOT_CMAKE_DIR})

# cpack -G DEB: ingot_<version>_amd64.deb. Depends comes from dpkg-shlibdeps (Debian package
# dpkg-dev) on the installed binaries, so it names exactly the libraries they link.
set(INGOT_PACKAGE_MAINTAINER "Ingot maintainers <maintainers@users.noreply.h-seed-2d858793.example>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_NAME ingot)
set(CPACK_PACKAGE_VENDOR "Ingot")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "run Linux x86-64 programs as unikernels on KVM")
set(CPACK_PACKAGE_CONTACT ${INGOT_PACKAGE_MAINTAINER})
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${INGOT_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# --platform qemu runs images under QEMU; hvt, the default, needs only /dev/kvm.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS qemu-system-x86)
# The extended description; CPack indents it and writes its blank line as " ." (Debian Policy
# 5.6.13).
set(CPACK_PACKAGE_DESCRIPTION "Ingot seals a Linux x86-64 program (C, C++, Go; glibc or musl; static or
dynamically linked, with the files it reads) and a small library operating
system into one image, which boots straight into the program on KVM or QEMU.

ingot build, run and inspect images; ingot run -d, ps, logs, stop, kill and rm
manage detached instances. A CMake package (find_package(Ingot)) seals a
project's own targets into images.")
include(CPack)
