# Debian's own programs, unmodified and dynamically linked, sealed with their libraries (found by
# the closure finder) and the files they read (included by CMakeLists.txt, after ingot_case).
# A program that is not installed is skipped (scripts/install-dependencies.sh installs them).

set(DEBIAN_DIR ${CMAKE_CURRENT_SOURCE_DIR}/debian)
# No syscall these programs make may go unimplemented.
set(DEBIAN_CLEAN --stderr-not-regex "not implemented|crashed|cannot start")

function(debian_skip_unless path out)
  if(EXISTS ${path})
    set(${out} "" PARENT_SCOPE)
  else()
    set(${out} SKIP "${path} is not installed" PARENT_SCOPE)
  endif()
endfunction()

# python3: the standard library from the image, C extension modules through dlopen (with
# libsqlite3, libssl and libcrypto found for _sqlite3 and _ssl), a data file, /tmp.
debian_skip_unless(/usr/bin/python3 python_skip)
ingot_case(image.build_python3 ${python_skip} SETUP ingot_image_python3 TIMEOUT 180
  CHECKS --stdout-empty --stderr-empty --file-exists ${IMAGES}/python3.img
  COMMAND ${INGOT} build -m 256M --add /usr/lib/python3.11 --add ${DEBIAN_DIR}:/app
          /usr/bin/python3 -o ${IMAGES}/python3.img -- /app/stdlib_tour.py)

# lua5.4: the interpreter and liblua5.4.so.0.
debian_skip_unless(/usr/bin/lua5.4 lua_skip)
# sqlite3: the CLI writes a database in /tmp (the tmpfs layer) and reads it back.
debian_skip_unless(/usr/bin/sqlite3 sqlite_skip)

# busybox-static (a static program) lists, reads, hashes, searches and archives a tree.
debian_skip_unless(/bin/busybox busybox_skip)
# iproute2's nstat reads the network stack's counters from /proc/net/snmp and netstat by name.
debian_skip_unless(/usr/bin/nstat nstat_skip)
# iproute2's ip lists the interfaces, addresses and routes through NETLINK_ROUTE.
debian_skip_unless(/usr/bin/ip ip_skip)
# net-tools' ifconfig, route and netstat -i read them through SIOCGIF* ioctls and /proc/net.
debian_skip_unless(/usr/sbin/ifconfig net_tools_skip)

foreach(platform IN LISTS INGOT_TEST_PLATFORMS)
  if(platform STREQUAL "hvt")
    set(guest KVM)
    set(slow 1)
  else()
    set(guest QEMU)
    set(slow 4)
  endif()
  math(EXPR python_timeout "60 * ${slow}")
  ingot_case(${platform}.python3_stdlib ${guest} ${python_skip} REQUIRES ingot_image_python3
    TIMEOUT ${python_timeout}
    CHECKS ${DEBIAN_CLEAN} --stdout-file ${EXPECTED}/python_stdlib_tour.txt
    COMMAND ${INGOT} run --platform ${platform} ${IMAGES}/python3.img)
  ingot_case(${platform}.lua_interpreter ${guest} ${lua_skip}
    CHECKS ${DEBIAN_CLEAN} --stdout-regex "^Lua 5\\.4	42	ababab	1,2,3	float$" --stdout-lines 1
    COMMAND ${INGOT} run --platform ${platform} /usr/bin/lua5.4 --
            -e "print(_VERSION, 6*7, string.rep('ab', 3), table.concat({1,2,3}, ','), math.type(1.5))")
  ingot_case(${platform}.sqlite3_cli ${guest} ${sqlite_skip}
    CHECKS ${DEBIAN_CLEAN} --stdout-regex "^6\\|3$" --stdout-lines 1
    COMMAND ${INGOT} run --platform ${platform} /usr/bin/sqlite3 -- /tmp/t.db
            "create table t(a); insert into t values (1),(2),(3); select sum(a), count(*) from t;")
  ingot_case(${platform}.nstat_counters ${guest} ${nstat_skip}
    CHECKS ${DEBIAN_CLEAN} --stdout-lines 4 --stdout-regex "^#kernel$"
           --stdout-regex "^TcpRetransSegs +0 +0\\.0$" --stdout-regex "^TcpExtTCPSackRecovery +0 +0\\.0$"
           --stdout-regex "^IngotExtTcpRackLosses +0 +0\\.0$"
    COMMAND ${INGOT} run --platform ${platform} /usr/bin/nstat --
            -az TcpRetransSegs TcpExtTCPSackRecovery IngotExtTcpRackLosses)
  ingot_case(${platform}.ip_address ${guest} ${ip_skip}
    CHECKS ${DEBIAN_CLEAN} --stdout-lines 2 --stdout-regex "^lo +UNKNOWN +127\\.0\\.0\\.1/8 ::1/128 *$"
           --stdout-regex "^eth0 +UP +10\\.0\\.2\\.15/24 fe80::[0-9a-f:]+/64 *$"
    COMMAND ${INGOT} run --platform ${platform} --network user /usr/bin/ip -- -br address)
  ingot_case(${platform}.ip_route ${guest} ${ip_skip}
    CHECKS ${DEBIAN_CLEAN} --stdout-lines 2
           --stdout-regex "^10\\.0\\.2\\.0/24 dev eth0 proto kernel scope link src 10\\.0\\.2\\.15 *$"
           --stdout-regex "^default via 10\\.0\\.2\\.2 dev eth0 *$"
    COMMAND ${INGOT} run --platform ${platform} --network user /usr/bin/ip -- route)
  ingot_case(${platform}.ip_link_statistics ${guest} ${ip_skip}
    CHECKS ${DEBIAN_CLEAN} --stdout-lines 6
           --stdout-regex "^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 "
           --stdout-regex "^    RX:  bytes packets errors dropped  missed   mcast +$"
           --stdout-regex "^    TX:  bytes packets errors dropped carrier collsns +$"
           --stdout-regex "^ +[0-9]+ +[0-9]+ +0 +0 +0 +0 *$"
    COMMAND ${INGOT} run --platform ${platform} /usr/bin/ip -- -s link show lo)
  ingot_case(${platform}.ifconfig ${guest} ${net_tools_skip}
    CHECKS ${DEBIAN_CLEAN}
           --stdout-regex "^eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500$"
           --stdout-regex "^        inet 10\\.0\\.2\\.15  netmask 255\\.255\\.255\\.0  broadcast 10\\.0\\.2\\.255$"
           --stdout-regex "^        inet6 fe80::[0-9a-f:]+  prefixlen 64  scopeid 0x20<link>$"
           --stdout-regex "^        ether [0-9a-f:]+  txqueuelen 1000  \\(Ethernet\\)$"
           --stdout-regex "^lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536$"
           --stdout-regex "^        inet 127\\.0\\.0\\.1  netmask 255\\.0\\.0\\.0$"
           --stdout-regex "^        inet6 ::1  prefixlen 128  scopeid 0x10<host>$"
           --stdout-regex "^        loop  txqueuelen 1000  \\(Local Loopback\\)$"
    COMMAND ${INGOT} run --platform ${platform} --network user /usr/sbin/ifconfig)
  ingot_case(${platform}.route_table ${guest} ${net_tools_skip}
    CHECKS ${DEBIAN_CLEAN} --stdout-lines 4
           --stdout-regex "^0\\.0\\.0\\.0 +10\\.0\\.2\\.2 +0\\.0\\.0\\.0 +UG +0 +0 +0 eth0$"
           --stdout-regex "^10\\.0\\.2\\.0 +0\\.0\\.0\\.0 +255\\.255\\.255\\.0 +U +0 +0 +0 eth0$"
    COMMAND ${INGOT} run --platform ${platform} --network user /usr/sbin/route -- -n)
  ingot_case(${platform}.netstat_interfaces ${guest} ${net_tools_skip}
    CHECKS ${DEBIAN_CLEAN} --stdout-lines 4
           --stdout-regex "^eth0 +1500( +[0-9]+){8} BMRU$" --stdout-regex "^lo +65536( +[0-9]+){8} LRU$"
    COMMAND ${INGOT} run --platform ${platform} --network user /usr/bin/netstat -- -i)
  math(EXPR busybox_timeout "60 * ${slow}")
  ingot_case(${platform}.busybox_applets ${guest} ${busybox_skip} TIMEOUT ${busybox_timeout}
    CHECKS ${DEBIAN_CLEAN} --stdout-file ${EXPECTED}/busybox_applets.txt
    COMMAND ${INGOT_TEST_BASH} ${DEBIAN_DIR}/busybox_applets.sh ${INGOT} ${platform}
            ${DEBIAN_DIR}/tree)
endforeach()
