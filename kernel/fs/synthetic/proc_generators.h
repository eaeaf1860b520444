// The text of each generated file of /proc and /sys, from the kernel's facts. Formats follow
// Linux's (fs/proc/*.c, proc(5)) field for field where programs parse them.
#pragma once

#include "fs/synthetic/system_facts.h"
#include "fs/synthetic/text_buffer.h"

namespace kernel::synthetic {

// The process: fs/proc/array.c, base.c, task_mmu.c.
void generate_status(const SystemFacts& facts, TextBuffer& text);
void generate_process_stat(const SystemFacts& facts, TextBuffer& text);
void generate_statm(const SystemFacts& facts, TextBuffer& text);
void generate_cmdline(const SystemFacts& facts, TextBuffer& text);
void generate_environ(const SystemFacts& facts, TextBuffer& text);
void generate_comm(const SystemFacts& facts, TextBuffer& text);
void generate_cgroup(const SystemFacts& facts, TextBuffer& text);
void generate_limits(const SystemFacts& facts, TextBuffer& text);
void generate_maps(const SystemFacts& facts, TextBuffer& text);
void generate_mountinfo(const SystemFacts& facts, TextBuffer& text);
void generate_mounts(const SystemFacts& facts, TextBuffer& text);
void generate_pid(const SystemFacts& facts, TextBuffer& text);
void generate_exe(const SystemFacts& facts, TextBuffer& text);

// The machine.
void generate_cpuinfo(const SystemFacts& facts, TextBuffer& text);
void generate_meminfo(const SystemFacts& facts, TextBuffer& text);
void generate_system_stat(const SystemFacts& facts, TextBuffer& text);
void generate_uptime(const SystemFacts& facts, TextBuffer& text);
void generate_loadavg(const SystemFacts& facts, TextBuffer& text);
void generate_version(const SystemFacts& facts, TextBuffer& text);
void generate_filesystems(const SystemFacts& facts, TextBuffer& text);

// The network stack's counters: net/ipv4/proc.c.
void generate_net_snmp(const SystemFacts& facts, TextBuffer& text);
void generate_net_netstat(const SystemFacts& facts, TextBuffer& text);
// The interfaces: net/core/net-procfs.c, net/ipv4/fib_trie.c, net/ipv6/addrconf.c,
// net/ipv4/arp.c.
void generate_net_dev(const SystemFacts& facts, TextBuffer& text);
void generate_net_route(const SystemFacts& facts, TextBuffer& text);
void generate_net_if_inet6(const SystemFacts& facts, TextBuffer& text);
void generate_net_arp(const SystemFacts& facts, TextBuffer& text);
// The sockets: net/ipv4/tcp_ipv4.c, net/ipv6/tcp_ipv6.c, net/ipv4/udp.c, net/ipv6/datagram.c.
void generate_net_tcp(const SystemFacts& facts, TextBuffer& text);
void generate_net_tcp6(const SystemFacts& facts, TextBuffer& text);
void generate_net_udp(const SystemFacts& facts, TextBuffer& text);
void generate_net_udp6(const SystemFacts& facts, TextBuffer& text);

// /proc/sys and /sys: one value and a newline each.
void generate_hostname(const SystemFacts& facts, TextBuffer& text);
void generate_osrelease(const SystemFacts& facts, TextBuffer& text);
void generate_ostype(const SystemFacts& facts, TextBuffer& text);
void generate_pid_max(const SystemFacts& facts, TextBuffer& text);
void generate_overcommit_memory(const SystemFacts& facts, TextBuffer& text);
void generate_somaxconn(const SystemFacts& facts, TextBuffer& text);
void generate_file_max(const SystemFacts& facts, TextBuffer& text);
void generate_cpu_list(const SystemFacts& facts, TextBuffer& text);
void generate_transparent_hugepage(const SystemFacts& facts, TextBuffer& text);

} // namespace kernel::synthetic
