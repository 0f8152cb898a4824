// SPDX-License-Identifier: GPL-2.0
//
// Decoding recorded RTM_NEWLINK messages (the bytes a kernel with vmux
// sends) and printing them as `ip [-d] [-s] [-j] link show` would.

#include "catch.hpp"

#include <cstring>

#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/vmux.h>

#include "helpers.hpp"
#include "print_link.hpp"

using namespace vmux;
using namespace test;

namespace {

constexpr unsigned int up_flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_LOWER_UP | IFF_RUNNING;
const Bytes mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const Bytes bcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// Drop counters as vmux_fill_xstats() sends them: u64 per reason, each
// preceded by a pad attribute (type 0) as nla_put_u64_64bit() does.
Bytes drops(std::uint64_t base)
{
	Bytes out;
	for (std::uint16_t reason = 0; reason <= VMUX_DROP_MAX; reason++)
		out = cat({out, nla(0, {}), nla(reason + 1, le64(base + reason))});
	return out;
}

Bytes stats64()
{
	rtnl_link_stats64 s{};
	s.rx_packets = 10;
	s.tx_packets = 20;
	s.rx_bytes = 1234567890123;
	s.tx_bytes = 2000;
	s.rx_dropped = 3;
	s.multicast = 4;
	s.collisions = 1;
	Bytes out(sizeof(s));
	std::memcpy(out.data(), &s, sizeof(s));
	return out;
}

// The generic part of a dump message, then the kind's.
Bytes link_message(const Bytes &kind_attrs, const Bytes &extra = {})
{
	return nlmsg(RTM_NEWLINK, NLM_F_MULTI,
		     cat({ifinfo(7, ARPHRD_ETHER, up_flags),
			  nla(IFLA_IFNAME, str("v10")),
			  nla(IFLA_TXQLEN, le32(1000)),
			  nla(IFLA_OPERSTATE, {6}),
			  nla(IFLA_LINKMODE, {0}),
			  nla(IFLA_MTU, le32(1500)),
			  nla(IFLA_MIN_MTU, le32(0)),
			  nla(IFLA_MAX_MTU, le32(65535)),
			  nla(IFLA_GROUP, le32(0)),
			  nla(IFLA_PROMISCUITY, le32(0)),
			  nla(IFLA_NUM_TX_QUEUES, le32(1)),
			  nla(IFLA_NUM_RX_QUEUES, le32(1)),
			  nla(IFLA_LINK, le32(2)),
			  nla(IFLA_QDISC, str("noqueue")),
			  extra,
			  nla(IFLA_ADDRESS, mac),
			  nla(IFLA_BROADCAST, bcast),
			  nla(IFLA_LINKINFO, kind_attrs)}));
}

Bytes vlan_linkinfo()
{
	return cat({nla(IFLA_INFO_KIND, str("vmux_vlan")),
		    nla(IFLA_INFO_XSTATS, cat({nla(IFLA_VMUX_XSTATS_DEV, drops(0)),
					       nla(IFLA_VMUX_XSTATS_PORT, drops(100))})),
		    nla(IFLA_INFO_DATA,
			cat({nla(IFLA_VMUX_VLAN_ID, le16(10)),
			     nla(IFLA_VMUX_VLAN_FLAGS, cat({le32(1), le32(0xffffffff)})),
			     nla(IFLA_VMUX_VLAN_EGRESS_QOS,
				 nla(IFLA_VMUX_VLAN_QOS_MAPPING, cat({le32(4), le32(5)}))),
			     nla(IFLA_VMUX_VLAN_PROTOCOL, {0x81, 0x00})}))});
}

LinkInfo parse(const Bytes &msg)
{
	auto link = parse_link(*reinterpret_cast<const nlmsghdr *>(msg.data()));
	REQUIRE(link);
	return *link;
}

LinkInfo eth0(unsigned int flags = up_flags)
{
	LinkInfo lower;
	lower.ifindex = 2;
	lower.name = "eth0";
	lower.flags = flags;
	return lower;
}

std::string show(const LinkInfo &link, const LinkInfo *lower, bool json, ShowOptions opts,
		 bool pretty = false)
{
	Printer out(json, pretty);
	out.open_array("");
	print_link(out, link, lower, opts);
	out.close_array();
	return out.take();
}

} // namespace

TEST_CASE("decode a vmux_vlan dump message")
{
	LinkInfo link = parse(cat({link_message(vlan_linkinfo(), nla(IFLA_STATS64, stats64()))}));

	CHECK(link.ifindex == 7);
	CHECK(link.name == "v10");
	CHECK(link.kind == "vmux_vlan");
	CHECK(link.is_vmux());
	CHECK(link.link == 2u);
	CHECK_FALSE(link.link_netnsid);
	CHECK(link.mtu == 1500u);
	CHECK(link.address == mac);
	REQUIRE(link.info_data);
	CHECK(link.info_data->get<std::uint16_t>(IFLA_VMUX_VLAN_ID) == 10);
	REQUIRE(link.dev_drops);
	REQUIRE(link.port_drops);
	CHECK((*link.dev_drops)[VMUX_DROP_TX] == 6);
	CHECK((*link.port_drops)[VMUX_DROP_NO_CHILD] == 100);
	REQUIRE(link.stats64);
	CHECK(link.stats64->rx_bytes == 1234567890123ull);
}

TEST_CASE("a message that is no link is refused")
{
	Bytes msg = nlmsg(RTM_NEWADDR, 0, ifinfo(1));

	CHECK_FALSE(parse_link(*reinterpret_cast<const nlmsghdr *>(msg.data())));
}

TEST_CASE("vlan: text as ip link show prints it")
{
	LinkInfo link = parse(link_message(vlan_linkinfo()));
	LinkInfo lower = eth0();

	CHECK(show(link, &lower, false, {}) ==
	      "7: v10@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
	      "mode DEFAULT group default qlen 1000\n"
	      "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n");
	CHECK(show(link, &lower, false, {.details = true}) ==
	      "7: v10@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
	      "mode DEFAULT group default qlen 1000\n"
	      "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 0 "
	      "maxmtu 65535 \n"
	      "    vmux_vlan protocol 802.1Q id 10 <REORDER_HDR> \n"
	      "      egress-qos-map { 4:5 } numtxqueues 1 numrxqueues 1 \n");
}

TEST_CASE("vlan: JSON as ip -j -d link show prints it")
{
	LinkInfo link = parse(link_message(vlan_linkinfo()));
	LinkInfo lower = eth0();

	CHECK(show(link, &lower, true, {.details = true}) ==
	      R"([{"ifindex":7,"link":"eth0","ifname":"v10","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],)"
	      R"("mtu":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default",)"
	      R"("txqlen":1000,"link_type":"ether","address":"52:54:00:12:34:56","broadcast":"ff:ff:ff:ff:ff:ff",)"
	      R"("promiscuity":0,"min_mtu":0,"max_mtu":65535,"linkinfo":{"info_kind":"vmux_vlan",)"
	      R"("info_data":{"protocol":"802.1Q","id":10,"flags":["REORDER_HDR"],)"
	      R"("egress_qos":[{"from":4,"to":5}]}},"num_tx_queues":1,"num_rx_queues":1}])"
	      "\n");
}

TEST_CASE("statistics and vmux drop counters, text and JSON")
{
	LinkInfo link = parse(link_message(vlan_linkinfo(), nla(IFLA_STATS64, stats64())));
	LinkInfo lower = eth0();

	CHECK(show(link, &lower, false, {.stats = true}) ==
	      "7: v10@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
	      "mode DEFAULT group default qlen 1000\n"
	      "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"
	      "    RX:     bytes packets errors dropped  missed   mcast           \n"
	      "    1234567890123      10      0       3       0       4 \n"
	      "    TX:     bytes packets errors dropped carrier collsns           \n"
	      "             2000      20      0       0       0       1 \n"
	      "    vmux drops: no_child 0 child_down 1 bc_queue_full 2 source_filter 3 mode 4 "
	      "nomem 5 tx 6\n"
	      "    vmux port drops: no_child 100 child_down 101 bc_queue_full 102 source_filter 103 "
	      "mode 104 nomem 105 tx 106\n");
	CHECK(show(link, &lower, true, {.stats = true}).ends_with(
		R"("broadcast":"ff:ff:ff:ff:ff:ff",)"
		R"("stats64":{"rx":{"bytes":1234567890123,"packets":10,"errors":0,"dropped":3,)"
		R"("over_errors":0,"multicast":4},"tx":{"bytes":2000,"packets":20,"errors":0,)"
		R"("dropped":0,"carrier_errors":0,"collisions":1}},)"
		R"("vmux_drops":{"dev":{"no_child":0,"child_down":1,"bc_queue_full":2,)"
		R"("source_filter":3,"mode":4,"nomem":5,"tx":6},"port":{"no_child":100,)"
		R"("child_down":101,"bc_queue_full":102,"source_filter":103,"mode":104,)"
		R"("nomem":105,"tx":106}}}])"
		"\n"));
}

TEST_CASE("a lower in another netns shows as @ifN with link-netnsid")
{
	LinkInfo link = parse(link_message(vlan_linkinfo(), nla(IFLA_LINK_NETNSID, le32(0))));

	CHECK(show(link, nullptr, false, {}) ==
	      "7: v10@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
	      "mode DEFAULT group default qlen 1000\n"
	      "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
	CHECK(show(link, nullptr, true, {}) ==
	      R"([{"ifindex":7,"link_index":2,"ifname":"v10","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],)"
	      R"("mtu":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default",)"
	      R"("txqlen":1000,"link_type":"ether","address":"52:54:00:12:34:56","broadcast":"ff:ff:ff:ff:ff:ff",)"
	      R"("link_netnsid":0}])"
	      "\n");
	// ip names the netns where one under /var/run/netns has that id.
	ShowOptions named;
	named.netns_name = [](std::int32_t id) -> std::optional<std::string> {
		return id == 0 ? std::optional<std::string>("blue") : std::nullopt;
	};
	CHECK(show(link, nullptr, false, named).ends_with(
		"    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff link-netns blue\n"));
	CHECK(show(link, nullptr, true, named).ends_with(R"("link_netnsid":0}])" "\n"));
}

TEST_CASE("a lower that is down: M-DOWN, no carrier: NO-CARRIER")
{
	LinkInfo link = parse(link_message(vlan_linkinfo()));
	LinkInfo lower = eth0(IFF_BROADCAST);

	link.flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST;
	CHECK(show(link, &lower, false, {}).starts_with(
		"7: v10@eth0: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 "));
}

TEST_CASE("macvlan source mode, pretty JSON")
{
	Bytes info = cat({nla(IFLA_INFO_KIND, str("vmux_macvlan")),
			  nla(IFLA_INFO_DATA,
			      cat({nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_SOURCE)),
				   nla(IFLA_VMUX_MACVLAN_FLAGS, le16(VMUX_MACVLAN_FLAG_NODST)),
				   nla(IFLA_VMUX_MACVLAN_MACADDR_COUNT, le32(2)),
				   nla(IFLA_VMUX_MACVLAN_MACADDR_DATA,
				       cat({nla(IFLA_VMUX_MACVLAN_MACADDR, {2, 0x11, 0x22, 0x33, 0x44, 0x55}),
					    nla(IFLA_VMUX_MACVLAN_MACADDR, {2, 0x11, 0x22, 0x33, 0x44, 0x66})})),
				   nla(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, le32(1000)),
				   nla(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN_USED, le32(5000)),
				   nla(IFLA_VMUX_MACVLAN_BC_CUTOFF, le32(0xffffffff))}))});
	LinkInfo link = parse(link_message(info));
	LinkInfo lower = eth0();

	CHECK(show(link, &lower, false, {.details = true}).ends_with(
		"    vmux_macvlan mode source nodst bcqueuelen 1000 usedbcqueuelen 5000 bclim -1 "
		"remotes (2) 02:11:22:33:44:55 02:11:22:33:44:66 numtxqueues 1 numrxqueues 1 \n"));
	CHECK(show(link, &lower, true, {.details = true}, true).find(R"(
        "linkinfo": {
            "info_kind": "vmux_macvlan",
            "info_data": {
                "mode": "source",
                "nodst": true,
                "bcqueuelen": 1000,
                "usedbcqueuelen": 5000,
                "bclim": -1,
                "macaddr_count": 2,
                "macaddr_data": [ "02:11:22:33:44:55","02:11:22:33:44:66" ]
            }
        },
)") != std::string::npos);
}

TEST_CASE("ipvlan: ip's double space, one flag word")
{
	auto info = [](std::uint16_t mode, std::uint16_t flags) {
		return cat({nla(IFLA_INFO_KIND, str("vmux_ipvlan")),
			    nla(IFLA_INFO_DATA, cat({nla(IFLA_VMUX_IPVLAN_MODE, le16(mode)),
						     nla(IFLA_VMUX_IPVLAN_FLAGS, le16(flags))}))});
	};
	LinkInfo lower = eth0();
	LinkInfo l2 = parse(link_message(info(VMUX_IPVLAN_MODE_L2, 0)));
	LinkInfo l3s = parse(link_message(info(VMUX_IPVLAN_MODE_L3S, VMUX_IPVLAN_F_PRIVATE)));

	CHECK(show(l2, &lower, false, {.details = true})
		      .find("\n    vmux_ipvlan  mode l2 bridge numtxqueues") != std::string::npos);
	CHECK(show(l3s, &lower, true, {.details = true})
		      .find(R"("info_data":{"mode":"l3s","private":true})") != std::string::npos);
}

TEST_CASE("deleted links are marked, as ip monitor does")
{
	Bytes msg = link_message(vlan_linkinfo());
	msg[4] = RTM_DELLINK;
	LinkInfo link = parse(msg);
	LinkInfo lower = eth0();

	CHECK(show(link, &lower, false, {}).starts_with("Deleted 7: v10@eth0: "));
	CHECK(show(link, &lower, true, {}).starts_with(R"([{"deleted":true,"ifindex":7,)"));
}

TEST_CASE("statistics twice: the error counters as ip print_stats64() prints them")
{
	LinkInfo link = parse(link_message(vlan_linkinfo(),
					   cat({nla(IFLA_STATS64, stats64()),
						nla(IFLA_CARRIER_CHANGES, le32(2))})));
	LinkInfo lower = eth0();
	std::string text = show(link, &lower, false, {.stats = 2});

	text = text.substr(text.find("    RX:"));
	text = text.substr(0, text.find("    vmux drops"));
	CHECK(text == std::string("    RX:     bytes packets errors dropped  missed   mcast           \n"
			"    1234567890123      10      0       3       0       4 \n"
			"    RX errors:     length    crc   frame    fifo overrun\n"
			"                        0      0       0       0       0 \n"
			"    TX:     bytes packets errors dropped carrier collsns           \n"
			"             2000      20      0       0       0       1 \n"
			"    TX errors:    aborted   fifo  window heartbt transns\n"
			"                        0      0       0       0       2 \n"));
	CHECK(show(link, &lower, true, {.stats = 2}).find(
		      R"("over_errors":0,"multicast":4,"length_errors":0,"crc_errors":0,)"
		      R"("frame_errors":0,"fifo_errors":0,"missed_errors":0},)") != std::string::npos);
	CHECK(show(link, &lower, true, {.stats = 2}).find(
		      R"("collisions":1,"aborted_errors":0,"fifo_errors":0,"window_errors":0,)"
		      R"("heartbeat_errors":0,"carrier_changes":2}})") != std::string::npos);
}

TEST_CASE("brief: name, state, address, flags. In full: master, protodown and alias")
{
	LinkInfo link = parse(link_message(vlan_linkinfo(),
					   cat({nla(IFLA_MASTER, le32(9)), nla(IFLA_PROTO_DOWN, {1}),
						nla(IFLA_IFALIAS, str("uplink"))})));
	LinkInfo lower = eth0();

	CHECK(show(link, &lower, false, {.brief = true}) ==
	      "v10@eth0         UP             52:54:00:12:34:56 <BROADCAST,MULTICAST,UP,LOWER_UP> \n");
	CHECK(show(link, &lower, true, {.brief = true}) ==
	      R"([{"link":"eth0","ifname":"v10","operstate":"UP","address":"52:54:00:12:34:56",)"
	      R"("flags":["BROADCAST","MULTICAST","UP","LOWER_UP"]}])"
	      "\n");
	ShowOptions opts;
	opts.ifname = [](std::uint32_t index) { return index == 9 ? "br0" : "?"; };
	CHECK(show(link, &lower, false, opts) ==
	      "7: v10@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 "
	      "state UP mode DEFAULT group default qlen 1000\n"
	      "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff protodown on \n"
	      "    alias uplink\n");
	CHECK(show(link, &lower, true, opts).find(
		      R"("qdisc":"noqueue","master":"br0","operstate":"UP")") != std::string::npos);
	CHECK(show(link, &lower, true, opts).ends_with(
		      R"("broadcast":"ff:ff:ff:ff:ff:ff","proto_down":true,"ifalias":"uplink"}])"
		      "\n"));
}

TEST_CASE("color: the escape codes of ip around name, state and addresses")
{
	LinkInfo link = parse(link_message(vlan_linkinfo()));
	LinkInfo lower = eth0();
	Printer out(false);

	out.enable_color(false);
	print_link(out, link, &lower, {});
	CHECK(out.take() ==
	      "7: \033[36mv10@eth0: \033[0m<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue "
	      "state \033[32mUP \033[0mmode DEFAULT group default qlen 1000\n"
	      "    link/ether \033[33m52:54:00:12:34:56\033[0m brd \033[33mff:ff:ff:ff:ff:ff\033[0m\n");
}
