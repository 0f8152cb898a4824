// SPDX-License-Identifier: GPL-2.0
//
// vmux-cni's output and what it reads from other plugins: results per
// version, IPAM results and prevResult, error objects, IPAM delegation
// (through a shell script standing in for the plugin), and the golden
// bytes of the requests it sends.

#include "catch.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/vmux.h>

#include <fmt/core.h>

#include "cni/config.hpp"
#include "cni/error.hpp"
#include "cni/ipam.hpp"
#include "cni/result.hpp"
#include "helpers.hpp"
#include "route.hpp"

using namespace vmux;
using namespace vmux::cni;
using namespace test;

namespace {

// host-local 1.1.1's answer (abbreviated: no interfaces).
constexpr std::string_view host_local_result = R"({
    "cniVersion": "1.0.0",
    "ips": [{"address": "10.9.0.2/24", "gateway": "10.9.0.1"},
            {"address": "fd00::2/64"}],
    "routes": [{"dst": "0.0.0.0/0"}, {"dst": "fd01::/64", "gw": "fd00::1"}],
    "dns": {"nameservers": ["10.9.0.1"], "search": ["example.org"]}
})";

Result pod_result()
{
	Result res = parse_result(host_local_result, "host-local");

	res.interfaces.push_back({"eth0", "86:e5:2a:47:6d:35", "/run/netns/c1"});
	for (IpConfig &ip : res.ips)
		ip.interface = 0;
	return res;
}

Bytes bytes_of(const Message &msg)
{
	return Bytes(msg.bytes().begin(), msg.bytes().end());
}

NetConf conf_of(std::string_view keys)
{
	return parse_config(fmt::format(R"({{"cniVersion":"1.0.0","name":"n","type":"vmux-cni",{}}})",
					keys), {});
}

Bytes linkinfo(std::string_view kind, const Bytes &data)
{
	Bytes body = nla(IFLA_INFO_KIND, str(kind));
	if (!data.empty())
		body = cat({body, nla(IFLA_INFO_DATA | NLA_F_NESTED, data)});
	return nla(IFLA_LINKINFO | NLA_F_NESTED, body);
}

constexpr std::uint16_t add_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

} // namespace

TEST_CASE("cni result: an IPAM result parsed")
{
	Result res = parse_result(host_local_result, "host-local");

	CHECK(res.cni_version == "1.0.0");
	CHECK(res.interfaces.empty());
	REQUIRE(res.ips.size() == 2);
	CHECK(res.ips[0].address.str() == "10.9.0.2/24");
	CHECK(res.ips[0].gateway->addr_str() == "10.9.0.1");
	CHECK(!res.ips[1].gateway);
	CHECK(res.ips[1].address.family == AF_INET6);
	REQUIRE(res.routes.size() == 2);
	CHECK(res.routes[0].dst.len == 0);
	CHECK(res.routes[1].gw->addr_str() == "fd00::1");
	CHECK(res.dns.search == std::vector<std::string>{"example.org"});

	// 0.4.0's "version" is read and dropped.
	Result old = parse_result(R"({"cniVersion":"0.4.0","ips":[{"version":"4",)"
				  R"("address":"10.0.0.2/8"}]})", "static");
	CHECK(old.ips.at(0).address.len == 8);
}

TEST_CASE("cni result: broken IPAM results")
{
	auto msg = [](std::string_view text) {
		try {
			parse_result(text, "host-local");
		} catch (const Error &e) {
			CHECK(e.code() == 999);
			return e.msg();
		}
		return std::string("no error");
	};
	CHECK(msg("nope") == "host-local printed no JSON result");
	CHECK(msg(R"({"cniVersion":"0.2.0","ip4":{}})") ==
	      "invalid result of host-local: unsupported cniVersion \"0.2.0\"");
	CHECK(msg(R"({"ips":[{"address":"10.0.0.2/33"}]})") ==
	      "invalid result of host-local: \"address\" is not an address/prefix: \"10.0.0.2/33\"");
	CHECK(msg(R"({"ips":[{"address":"10.0.0.2/24","gateway":"fd00::1"}]})") ==
	      "invalid result of host-local: gateway fd00::1 of 10.0.0.2/24 is of another family");
	CHECK(msg(R"({"ips":[{"interface":1,"address":"10.0.0.2/24"}]})") ==
	      "invalid result of host-local: \"interface\" 1 names no interface");
	CHECK(msg(R"({"routes":[{"dst":"10.0.0.0/8","gw":"x"}]})") ==
	      "invalid result of host-local: \"gw\" is not an IP address: \"x\"");
}

TEST_CASE("cni result: 1.0.0 output")
{
	CHECK(result_json(pod_result(), "1.0.0") == R"({
    "cniVersion": "1.0.0",
    "interfaces": [
        {
            "name": "eth0",
            "mac": "86:e5:2a:47:6d:35",
            "sandbox": "/run/netns/c1"
        }
    ],
    "ips": [
        {
            "interface": 0,
            "address": "10.9.0.2/24",
            "gateway": "10.9.0.1"
        },
        {
            "interface": 0,
            "address": "fd00::2/64"
        }
    ],
    "routes": [
        {
            "dst": "0.0.0.0/0"
        },
        {
            "dst": "fd01::/64",
            "gw": "fd00::1"
        }
    ],
    "dns": {
        "nameservers": [
            "10.9.0.1"
        ],
        "search": [
            "example.org"
        ]
    }
})");
}

TEST_CASE("cni result: 0.3.x and 0.4.0 give each IP its version")
{
	for (std::string_view version : {"0.3.0", "0.3.1", "0.4.0"}) {
		std::string out = result_json(pod_result(), version);

		CHECK(out.find(fmt::format(R"("cniVersion": "{}")", version)) != std::string::npos);
		CHECK(out.find(R"("version": "4",)" "\n" R"(            "interface": 0,)") !=
		      std::string::npos);
		CHECK(out.find(R"("version": "6")") != std::string::npos);
	}
	CHECK(result_json(pod_result(), "1.0.0").find("\"version\"") == std::string::npos);
	// Nothing but the version and an empty dns: a macvlan without IPAM.
	CHECK(result_json(Result{}, "1.0.0") == "{\n    \"cniVersion\": \"1.0.0\",\n    \"dns\": {}\n}");
}

TEST_CASE("cni error objects")
{
	CHECK(error_json(Error(7, "missing network name")) ==
	      "{\n    \"code\": 7,\n    \"msg\": \"missing network name\"\n}");
	CHECK(error_json(Error(1, "incompatible CNI versions", "config is \"9.0.0\""), "1.0.0") ==
	      "{\n    \"cniVersion\": \"1.0.0\",\n    \"code\": 1,\n"
	      "    \"msg\": \"incompatible CNI versions\",\n"
	      "    \"details\": \"config is \\\"9.0.0\\\"\"\n}");
	Error e = netlink_failure("failed to create macvlan on \"eth0\"",
				  NetlinkError(EBUSY, "Lower device is used by another rx_handler"));
	CHECK(e.code() == 999);
	CHECK(e.msg() == "failed to create macvlan on \"eth0\": Lower device is used by another "
			 "rx_handler");
	CHECK(e.details() == "errno 16 (Device or resource busy)");
	CHECK(netlink_failure("x", NetlinkError(EPERM, "")).msg() == "x: Operation not permitted");
}

TEST_CASE("cni ipam: find and run a delegate, pass its error through")
{
	char tmpl[] = "/tmp/vmux-cni-test.XXXXXX";
	REQUIRE(mkdtemp(tmpl));
	std::filesystem::path dir = tmpl;
	auto script = [&](const std::string &name, const std::string &body) {
		std::ofstream(dir / name) << "#!/bin/sh\n" << body;
		std::filesystem::permissions(dir / name, std::filesystem::perms::owner_all);
	};
	// Echoes CNI_COMMAND and its stdin back: the environment and the
	// bytes the delegate got.
	script("echo-ipam", "printf '{\"cmd\":\"%s\",\"in\":' \"$CNI_COMMAND\"; cat; printf '}'\n");
	script("fail-ipam", "cat >/dev/null; echo '{\"code\":11,\"msg\":\"no lease\","
			    "\"details\":\"range full\"}'; exit 1\n");
	script("mute-ipam", "exit 3\n");

	std::vector<std::string> path = {"/nonexistent", dir.string()};
	CHECK(find_plugin("echo-ipam", path) == (dir / "echo-ipam").string());
	try {
		find_plugin("host-local", {"/a", "/b"});
		FAIL("found");
	} catch (const Error &e) {
		CHECK(e.msg() == "failed to find plugin \"host-local\" in path [/a /b]");
	}
	CHECK_THROWS_AS(find_plugin("../bin/sh", path), Error);
	CHECK_THROWS_AS(find_plugin("", path), Error);

	setenv("CNI_COMMAND", "ADD", 1);
	CHECK(exec_plugin(find_plugin("echo-ipam", path), "DEL", R"({"a":1})") ==
	      R"({"cmd":"DEL","in":{"a":1}})");
	try {
		exec_plugin(find_plugin("fail-ipam", path), "ADD", "{}");
		FAIL("no error");
	} catch (const Error &e) {
		CHECK(e.code() == 11);
		CHECK(e.msg() == "no lease");
		CHECK(e.details() == "range full");
	}
	try {
		exec_plugin(find_plugin("mute-ipam", path), "ADD", "{}");
		FAIL("no error");
	} catch (const Error &e) {
		CHECK(e.code() == 999);
		CHECK(e.msg() == (dir / "mute-ipam").string() +
					 " ADD failed (exit status 3) without an error object");
	}
	unsetenv("CNI_COMMAND");
	std::filesystem::remove_all(dir);
}

TEST_CASE("cni prefixes: parsing and formatting")
{
	CHECK(parse_prefix("10.1.2.3/24")->network().str() == "10.1.2.0/24");
	CHECK(parse_prefix("fd00::1/64")->network().str() == "fd00::/64");
	CHECK(parse_prefix("10.1.2.3/28")->network().str() == "10.1.2.0/28");
	CHECK(!parse_prefix("10.1.2.3"));
	CHECK(!parse_prefix("10.1.2.3/33"));
	CHECK(!parse_prefix("10.1.2.3/024"));
	CHECK(!parse_prefix("fd00::/129"));
	CHECK(parse_ip("fd00::1")->len == 128);
}

TEST_CASE("cni requests: RTM_NEWLINK of each kind, every byte")
{
	// macvlan: the mode always (vmux_macvlan's default is vepa).
	NetConf mv = conf_of(R"("kind":"macvlan","master":"eth0","mtu":1400,)"
			     R"("mac":"02:00:00:00:00:01","bcqueuelen":64)");
	CHECK(hex(bytes_of(create_request(mv, "vmux0000abcd", 2).build())) ==
	      hex(nlmsg(RTM_NEWLINK, add_flags,
			cat({ifinfo(0), nla(IFLA_LINK, le32(2)), nla(IFLA_IFNAME, str("vmux0000abcd")),
			     nla(IFLA_MTU, le32(1400)), nla(IFLA_ADDRESS, {2, 0, 0, 0, 0, 1}),
			     linkinfo("vmux_macvlan",
				      cat({nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_BRIDGE)),
					   nla(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, le32(64))}))}))));

	// ipvlan: mode l2 and flags bridge by default.
	NetConf iv = conf_of(R"("kind":"ipvlan","ipam":{"type":"static"})");
	Bytes ipvlan_head = cat({ifinfo(0), nla(IFLA_LINK, le32(3)), nla(IFLA_IFNAME, str("tmp"))});
	CHECK(hex(bytes_of(create_request(iv, "tmp", 3).build())) ==
	      hex(nlmsg(RTM_NEWLINK, add_flags,
			cat({ipvlan_head,
			     linkinfo("vmux_ipvlan",
				      cat({nla(IFLA_VMUX_IPVLAN_MODE, le16(VMUX_IPVLAN_MODE_L2)),
					   nla(IFLA_VMUX_IPVLAN_FLAGS, le16(0))}))}))));
	NetConf iv3 = conf_of(R"("kind":"ipvlan","mode":"l3","flags":"vepa","ipam":{"type":"static"})");
	CHECK(hex(bytes_of(create_request(iv3, "tmp", 3).build())) ==
	      hex(nlmsg(RTM_NEWLINK, add_flags,
			cat({ipvlan_head,
			     linkinfo("vmux_ipvlan",
				      cat({nla(IFLA_VMUX_IPVLAN_MODE, le16(VMUX_IPVLAN_MODE_L3)),
					   nla(IFLA_VMUX_IPVLAN_FLAGS, le16(VMUX_IPVLAN_F_VEPA))}))}))));
	// keepPortMode on a port with ipvlans: no kind data, the port's wins.
	CHECK(hex(bytes_of(create_request(iv3, "tmp", 3, false).build())) ==
	      hex(nlmsg(RTM_NEWLINK, add_flags, cat({ipvlan_head, linkinfo("vmux_ipvlan", {})}))));

	// vlan: id and protocol (network order).
	NetConf vl = conf_of(R"("kind":"vlan","master":"eth0","vlanId":10,"protocol":"802.1ad",)"
			     R"("ipam":{"type":"static"})");
	CHECK(hex(bytes_of(create_request(vl, "tmp", 2).build())) ==
	      hex(nlmsg(RTM_NEWLINK, add_flags,
			cat({ifinfo(0), nla(IFLA_LINK, le32(2)), nla(IFLA_IFNAME, str("tmp")),
			     linkinfo("vmux_vlan", cat({nla(IFLA_VMUX_VLAN_ID, le16(10)),
							nla(IFLA_VMUX_VLAN_PROTOCOL, {0x88, 0xa8})}))}))));
}

TEST_CASE("cni requests: RTM_NEWADDR and RTM_NEWROUTE, every byte")
{
	// ifaddrmsg: family, prefixlen, flags, scope, index
	CHECK(hex(bytes_of(addr_add_request(5, *parse_prefix("10.9.0.2/24")))) ==
	      hex(nlmsg(RTM_NEWADDR, add_flags,
			cat({{AF_INET, 24, 0, 0}, le32(5), nla(IFA_ADDRESS, {10, 9, 0, 2}),
			     nla(IFA_LOCAL, {10, 9, 0, 2}), nla(IFA_BROADCAST, {10, 9, 0, 255})}))));
	Bytes v6 = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
	CHECK(hex(bytes_of(addr_add_request(5, *parse_prefix("fd00::2/64")))) ==
	      hex(nlmsg(RTM_NEWADDR, add_flags,
			cat({{AF_INET6, 64, 0, 0}, le32(5), nla(IFA_ADDRESS, v6), nla(IFA_LOCAL, v6)}))));

	constexpr std::uint16_t route_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND;
	// rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
	CHECK(hex(bytes_of(route_add_request(5, *parse_prefix("0.0.0.0/0"),
					     parse_ip("10.9.0.1")))) ==
	      hex(nlmsg(RTM_NEWROUTE, route_flags,
			cat({{AF_INET, 0, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE,
			      RTN_UNICAST}, le32(0), nla(RTA_GATEWAY, {10, 9, 0, 1}),
			     nla(RTA_OIF, le32(5))}))));
	CHECK(hex(bytes_of(route_add_request(5, *parse_prefix("10.8.1.1/16"), std::nullopt))) ==
	      hex(nlmsg(RTM_NEWROUTE, route_flags,
			cat({{AF_INET, 16, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_LINK,
			      RTN_UNICAST}, le32(0), nla(RTA_DST, {10, 8, 0, 0}),
			     nla(RTA_OIF, le32(5))}))));
}
