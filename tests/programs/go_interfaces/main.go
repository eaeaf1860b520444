// Go's net.Interfaces and Interface.Addrs, which read NETLINK_ROUTE's link and address dumps
// (syscall.NetlinkRIB): one line an interface, then one an address.
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	interfaces, err := net.Interfaces()
	if err != nil {
		fmt.Println("net.Interfaces:", err)
		os.Exit(1)
	}
	for _, link := range interfaces {
		fmt.Printf("interface %d %s mtu %d flags %v\n", link.Index, link.Name, link.MTU, link.Flags)
		addresses, err := link.Addrs()
		if err != nil {
			fmt.Println("Addrs:", err)
			os.Exit(1)
		}
		for _, address := range addresses {
			fmt.Printf("address %s %s\n", link.Name, address)
		}
	}
}
