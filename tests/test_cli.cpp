// SPDX-License-Identifier: GPL-2.0
//
// The CLI pieces that need no kernel: batch lines, completion script,
// port show and monitor output.

#include "catch.hpp"

#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/vmux.h>

#include "commands.hpp"
#include "helpers.hpp"
#include "kinds/kind.hpp"
#include "port_show.hpp"
#include "print_link.hpp"

using namespace vmux;
using Words = std::vector<std::string>;

TEST_CASE("batch lines split like ip's")
{
	CHECK(split_words("link add link eth0 name v10 type vlan id 10") ==
	      Words{"link", "add", "link", "eth0", "name", "v10", "type", "vlan", "id", "10"});
	CHECK(split_words("  link\tshow   # all of them") == Words{"link", "show"});
	CHECK(split_words("link set \"my dev\" name 'a b'") == Words{"link", "set", "my dev", "name", "a b"});
	CHECK(split_words("# nothing").empty());
	CHECK(split_words("").empty());
	CHECK(split_words("x \"\"") == Words{"x", ""});
	CHECK_THROWS_WITH(split_words("link set \"v10"), "Error: unterminated quote");
}

TEST_CASE("the completion script knows every kind option and value")
{
	std::string script = bash_completion();

	CHECK(script.find("vlan|vmux_vlan) echo \"protocol id reorder_hdr gvrp mvrp loose_binding "
			  "bridge_binding ingress-qos-map egress-qos-map\" ;;") != std::string::npos);
	CHECK(script.find("macvlan:mode|vmux_macvlan:mode) echo \"private vepa bridge passthru source\" ;;") !=
	      std::string::npos);
	CHECK(script.find("ipvlan|vmux_ipvlan) echo \"mode bridge private vepa\" ;;") != std::string::npos);
	CHECK(script.find("echo \"vlan macvlan ipvlan\"") != std::string::npos);
	CHECK(script.ends_with("complete -F _vmux vmux\n"));
}

namespace {

LinkInfo device(int index, std::string name, std::string kind, Attrs data)
{
	LinkInfo link;
	link.ifindex = index;
	link.name = std::move(name);
	link.kind = std::move(kind);
	link.type = ARPHRD_ETHER;
	link.flags = IFF_UP;
	link.link = 2;
	link.address = {2, 0, 0, 0, 0, std::uint8_t(index)};
	link.info_data = std::move(data);
	return link;
}

PortSnapshot sample_ports()
{
	PortSnapshot snap;
	LinkInfo eth0;
	Attrs vlan, macvlan, ipvlan;

	eth0.ifindex = 2;
	eth0.name = "eth0";
	vlan.put_value(IFLA_VMUX_VLAN_ID, std::uint16_t{10});
	vlan.put_value(IFLA_VMUX_VLAN_PROTOCOL, be16(0x8100));
	macvlan.put_value(IFLA_VMUX_MACVLAN_MODE, std::uint32_t{VMUX_MACVLAN_MODE_BRIDGE});
	macvlan.put_value(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, std::uint32_t{1000});
	ipvlan.put_value(IFLA_VMUX_IPVLAN_MODE, std::uint16_t{VMUX_IPVLAN_MODE_L2});
	ipvlan.put_value(IFLA_VMUX_IPVLAN_FLAGS, std::uint16_t{0});

	snap.links.push_back(eth0);
	// Out of order on purpose: port show groups by kind.
	snap.links.push_back(device(9, "ipv0", "vmux_ipvlan", ipvlan));
	snap.links.push_back(device(8, "mv0", "vmux_macvlan", macvlan));
	snap.links.push_back(device(7, "v10", "vmux_vlan", vlan));
	snap.links.back().port_drops = DropCounters{1, 2, 3, 4, 5, 6, 7};
	LinkInfo remote = device(11, "v20", "vmux_vlan", vlan);
	remote.link = 5;
	remote.link_netnsid = 1;
	snap.links.push_back(remote);
	snap.addresses.emplace(9, "10.0.0.2");
	snap.addresses.emplace(9, "fe80::1");
	return snap;
}

} // namespace

TEST_CASE("port show: text")
{
	Printer out(false);

	CHECK(print_ports(out, sample_ports(), ""));
	CHECK(out.take() ==
	      "2: eth0:\n"
	      "    drops: no_child 1 child_down 2 bc_queue_full 3 source_filter 4 mode 5 nomem 6 tx 7\n"
	      "    vmux_vlan 7: v10 protocol 802.1Q id 10 \n"
	      "    vmux_macvlan 8: mv0 address 02:00:00:00:00:08 mode bridge \n"
	      "    vmux_ipvlan 9: ipv0 addresses 10.0.0.2 fe80::1  mode l2 bridge \n"
	      "5: if5: link-netnsid 1\n"
	      "    vmux_vlan 11: v20 protocol 802.1Q id 10 \n");
}

TEST_CASE("port show: JSON of one port")
{
	Printer out(true);

	CHECK(print_ports(out, sample_ports(), "eth0"));
	CHECK(out.take() ==
	      R"([{"ifindex":2,"ifname":"eth0","drops":{"no_child":1,"child_down":2,"bc_queue_full":3,)"
	      R"("source_filter":4,"mode":5,"nomem":6,"tx":7},"devices":[)"
	      R"({"kind":"vmux_vlan","ifindex":7,"ifname":"v10","protocol":"802.1Q","id":10},)"
	      R"({"kind":"vmux_macvlan","ifindex":8,"ifname":"mv0","address":"02:00:00:00:00:08","mode":"bridge"},)"
	      R"({"kind":"vmux_ipvlan","ifindex":9,"ifname":"ipv0","addresses":["10.0.0.2","fe80::1"],)"
	      R"("mode":"l2","bridge":true}]}])"
	      "\n");
	Printer none(true);
	CHECK_FALSE(print_ports(none, sample_ports(), "eth9"));
}

// A reply of the "vmux" family (family id 0x1a here), as the kernel sends it.
static Bytes port_reply(const Bytes &attrs)
{
	return test::nlmsg(0x1a, NLM_F_MULTI,
			   test::cat({{VMUX_CMD_GET_PORT, VMUX_GENL_VERSION, 0, 0}, attrs}));
}

TEST_CASE("port show: children in other namespaces and the hidden count, from the family")
{
	using namespace test;
	Bytes drops;
	for (std::uint16_t reason = 0; reason <= VMUX_DROP_MAX; reason++)
		drops = cat({drops, nla(reason + 1, le64(reason))});
	const Bytes macvlan = port_reply(cat({
		nla(VMUX_A_PORT_IFINDEX, le32(2)), nla(VMUX_A_PORT_DROPS, drops),
		nla(VMUX_A_CHILD_IFINDEX, le32(4)), nla(VMUX_A_CHILD_IFNAME, str("m1")),
		nla(VMUX_A_CHILD_KIND, str("vmux_macvlan")), nla(VMUX_A_CHILD_NETNSID, le32(3)),
		nla(VMUX_A_CHILD_FLAGS, le32(IFF_UP)),
		nla(VMUX_A_CHILD_ADDRESS, {2, 0, 0, 0, 0, 0x41}),
		nla(VMUX_A_CHILD_DATA, nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_VEPA)))}));
	const Bytes ipvlan = port_reply(cat({
		nla(VMUX_A_PORT_IFINDEX, le32(2)), nla(VMUX_A_CHILD_IFINDEX, le32(9)),
		nla(VMUX_A_CHILD_IFNAME, str("i1")), nla(VMUX_A_CHILD_KIND, str("vmux_ipvlan")),
		nla(VMUX_A_CHILD_DATA, cat({nla(IFLA_VMUX_IPVLAN_MODE, le16(VMUX_IPVLAN_MODE_L3)),
					    nla(IFLA_VMUX_IPVLAN_FLAGS, le16(0))})),
		nla(VMUX_A_CHILD_ADDRS, cat({nla(VMUX_A_ADDR_IN, {192, 0, 2, 9}),
					     nla(VMUX_A_ADDR_IN6, {0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0,
								   0, 0, 0, 0, 0, 0, 9})}))}));
	const Bytes hidden = port_reply(cat({nla(VMUX_A_PORT_IFINDEX, le32(2)),
					     nla(VMUX_A_PORT_HIDDEN, le32(2))}));
	PortSnapshot snap = sample_ports();

	snap.ports.emplace();
	for (const Bytes *reply : {&ipvlan, &macvlan, &hidden}) {
		auto port = parse_port_reply(*reinterpret_cast<const nlmsghdr *>(reply->data()), 0x1a);
		REQUIRE(port);
		snap.ports->push_back(std::move(*port));
	}
	CHECK_FALSE(parse_port_reply(*reinterpret_cast<const nlmsghdr *>(hidden.data()), 0x1b));

	Printer out(false);
	CHECK(print_ports(out, snap, ""));
	// eth0's children come from the family only; v20's port is elsewhere.
	CHECK(out.take() ==
	      "2: eth0:\n"
	      "    drops: no_child 0 child_down 1 bc_queue_full 2 source_filter 3 mode 4 nomem 5 tx 6\n"
	      "    vmux_macvlan 4: m1 netnsid 3 address 02:00:00:00:00:41 mode vepa \n"
	      "    vmux_ipvlan 9: i1 addresses 192.0.2.9 2001:db8::9  mode l3 bridge \n"
	      "    2 more in namespaces this user may not see\n"
	      "5: if5: link-netnsid 1\n"
	      "    vmux_vlan 11: v20 protocol 802.1Q id 10 \n");
	Printer json(true);
	CHECK(print_ports(json, snap, "eth0"));
	CHECK(json.take().ends_with(R"("mode":"l3","bridge":true}],"hidden":2}])"
				    "\n"));
}

TEST_CASE("monitor lines carry [NEW] and [DEL]")
{
	LinkInfo link = sample_ports().links[3];
	Printer text(false), json(true);
	const ShowOptions tags{.event_tags = true};

	link.deleted = true;
	print_link(text, link, nullptr, tags);
	print_link(json, link, nullptr, tags);
	CHECK(text.take().starts_with("[DEL] 7: v10@if2: <NO-CARRIER,UP,M-DOWN> "));
	CHECK(json.take().starts_with(R"({"deleted":true,"ifindex":7,)"));
	link.deleted = false;
	print_link(text, link, nullptr, tags);
	CHECK(text.take().starts_with("[NEW] 7: v10@if2: "));
}
