// SPDX-License-Identifier: GPL-2.0
//
// vmux-cni's checks before anything is touched: SKEL's environment and
// stdin checks, CNI_ARGS, and the network config, each failure with its
// code and message.

#include "catch.hpp"

#include <map>
#include <tuple>

#include <fmt/core.h>

#include "cni/config.hpp"
#include "cni/env.hpp"
#include "cni/error.hpp"
#include "cni/version.hpp"
#include "kinds/kind.hpp"

using namespace vmux;
using namespace vmux::cni;

namespace {

// The Error a call throws: code and message.
template <typename Fn> std::pair<unsigned int, std::string> failure(Fn &&fn)
{
	try {
		fn();
	} catch (const Error &e) {
		return {e.code(), e.msg()};
	}
	return {0, "no error"};
}

Env env_of(std::map<std::string, std::string> vars)
{
	return read_env([&](const char *name) -> const char * {
		auto it = vars.find(name);
		return it == vars.end() ? nullptr : it->second.c_str();
	});
}

std::string conf_with(std::string_view keys)
{
	return fmt::format(R"({{"cniVersion":"1.0.0","name":"net","type":"vmux-cni"{}{}}})",
			   keys.empty() ? "" : ",", keys);
}

NetConf parse(std::string_view keys, const CniArgs &args = {})
{
	return parse_config(conf_with(keys), args);
}

const Env add_env = {"ADD", "c1", "/run/netns/p1", "eth0", "", "/usr/lib/cni"};

} // namespace

TEST_CASE("cni env: required variables per command, in SKEL's order")
{
	CHECK(failure([] { env_of({{"CNI_COMMAND", "ADD"}, {"CNI_CONTAINERID", "c"},
				   {"CNI_IFNAME", "eth0"}}); }) ==
	      std::pair{4u, std::string("required env variables [CNI_NETNS,CNI_PATH] missing")});
	// DEL needs no netns.
	Env del = env_of({{"CNI_COMMAND", "DEL"}, {"CNI_CONTAINERID", "c"}, {"CNI_IFNAME", "eth0"},
			  {"CNI_PATH", "/a:/b"}});
	CHECK(del.netns.empty());
	CHECK(failure([] { env_of({{"CNI_COMMAND", "CHECK"}}); }).second ==
	      "required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing");
	CHECK(env_of({{"CNI_COMMAND", "VERSION"}}).command == "VERSION");
	CHECK(split_path("/a::/b:") == std::vector<std::string>{"/a", "/b"});
}

TEST_CASE("cni skel: network name, container id, interface name")
{
	auto check = [](Env env, std::string_view conf) {
		return failure([&] { skel_checks(env, conf); });
	};
	const std::string good = conf_with("");

	CHECK(skel_checks(add_env, good) == "1.0.0");
	CHECK(check(add_env, "{") == std::pair{6u, std::string("error unmarshall network config: "
								 "not a JSON object")});
	CHECK(check(add_env, R"({"cniVersion":"1.0.0"})") ==
	      std::pair{7u, std::string("missing network name")});
	CHECK(check(add_env, R"({"name":"-x"})") ==
	      std::pair{7u, std::string("invalid characters found in network name")});
	Env env = add_env;
	env.container_id = "";
	CHECK(check(env, good) == std::pair{3u, std::string("missing containerID")});
	env.container_id = "a/b";
	CHECK(check(env, good) == std::pair{4u, std::string("invalid characters in containerID")});
	const std::map<std::string, std::string> bad_names = {
		{"", "interface name is empty"},
		{"abcdefghijklmnop", "interface name is too long"},
		{"..", "interface name is . or .."},
		{"a:b", "interface name contains / or : or whitespace characters"},
		{"a b", "interface name contains / or : or whitespace characters"},
		{"e\xff", "interface name contains characters that are not ASCII"},
	};
	for (const auto &[name, msg] : bad_names) {
		env = add_env;
		env.ifname = name;
		CHECK(check(env, good) == std::pair{4u, msg});
	}
	CHECK(skel_checks(add_env, R"({"name":"n"})").empty());
}

TEST_CASE("cni version: supported, incompatible, CHECK before 0.4.0")
{
	CHECK(version_json() ==
	      R"({"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0"]})");
	CHECK_NOTHROW(check_config_version("ADD", "0.3.1"));
	CHECK_NOTHROW(check_config_version("CHECK", "0.4.0"));
	try {
		check_config_version("ADD", "9.0.0");
		FAIL("no error");
	} catch (const Error &e) {
		CHECK(e.code() == 1);
		CHECK(e.msg() == "incompatible CNI versions");
		CHECK(e.details() == R"(config is "9.0.0", plugin supports [0.3.0 0.3.1 0.4.0 1.0.0])");
	}
	// No cniVersion is 0.1.0, which has another result shape.
	CHECK(failure([] { check_config_version("ADD", ""); }).first == 1);
	CHECK(failure([] { check_config_version("CHECK", "0.3.1"); }) ==
	      std::pair{1u, std::string("config version does not allow CHECK")});
	CHECK(compare_versions("0.4.0", "1.0.0") < 0);
	CHECK(compare_versions("1.0.0", "1.0.0") == 0);
	CHECK(compare_versions("1.1.0", "0.4.0") > 0);
}

TEST_CASE("cni CNI_ARGS: IgnoreUnknown, MAC, unknown keys")
{
	CniArgs args = parse_cni_args("IgnoreUnknown=1;K8S_POD_NAME=web;MAC=02:00:00:00:00:50");
	CHECK(args.ignore_unknown);
	CHECK(args.mac == "02:00:00:00:00:50");
	CHECK(parse_cni_args("IgnoreUnknown=true;IP=10.0.0.5").ip == "10.0.0.5");
	CHECK(!parse_cni_args("").mac);
	CHECK(failure([] { parse_cni_args("K8S_POD_NAME=foo"); }) ==
	      std::pair{4u, std::string(R"(ARGS: unknown args ["K8S_POD_NAME=foo"])")});
	CHECK(failure([] { parse_cni_args("IgnoreUnknown=0;A=1;B=2"); }).second ==
	      R"(ARGS: unknown args ["A=1" "B=2"])");
	CHECK(failure([] { parse_cni_args("MAC"); }).second == R"(ARGS: invalid pair "MAC")");
	CHECK(failure([] { parse_cni_args("IgnoreUnknown=yes"); }).second ==
	      R"(ARGS: error parsing value of pair "IgnoreUnknown=yes": (boolean unmarshal error: invalid input yes))");
}

TEST_CASE("cni config: defaults of each kind")
{
	NetConf mv = parse(R"("kind":"macvlan","master":"eth0")");
	CHECK(mv.kind->name == "macvlan");
	CHECK(mv.mode == "bridge");
	CHECK(mv.ipam_type.empty());
	CHECK(mv.mtu == 0);

	NetConf iv = parse(R"("kind":"ipvlan","ipam":{"type":"host-local"})");
	CHECK(iv.mode == "l2");
	CHECK(iv.master.empty());
	CHECK(iv.ipam_type == "host-local");
	CHECK(!iv.keep_port_mode);

	NetConf vl = parse(R"("kind":"vlan","master":"eth0","vlanId":10,"ipam":{"type":"static"})");
	CHECK(vl.vlan_id == 10);
	CHECK(vl.protocol.empty());
}

TEST_CASE("cni config: every option")
{
	NetConf mv = parse(R"("kind":"macvlan","master":"eth1","mode":"private","mtu":1400,)"
			   R"("mac":"02:00:00:00:00:01","bcqueuelen":500,"linkInContainer":true,)"
			   R"("dns":{"nameservers":["10.0.0.1"]})");
	CHECK(mv.master == "eth1");
	CHECK(mv.mode == "private");
	CHECK(mv.mtu == 1400);
	CHECK(mv.mac == Bytes{2, 0, 0, 0, 0, 1});
	CHECK(mv.bcqueuelen == 500u);
	CHECK(mv.link_in_container);
	CHECK(mv.dns.nameservers == std::vector<std::string>{"10.0.0.1"});

	NetConf iv = parse(R"("kind":"ipvlan","mode":"l3s","flags":"private","keepPortMode":true,)"
			   R"("ipam":{"type":"static"})");
	CHECK(iv.mode == "l3s");
	CHECK(iv.flags == "private");
	CHECK(iv.keep_port_mode);

	NetConf vl = parse(R"("kind":"vlan","master":"eth0","vlanId":4094,"protocol":"802.1ad",)"
			   R"("ipam":{"type":"static"})");
	CHECK(vl.vlan_id == 4094);
	CHECK(vl.protocol == "802.1ad");
}

TEST_CASE("cni config: the MAC from config, CNI_ARGS, runtimeConfig")
{
	CniArgs args;
	args.mac = "02:00:00:00:00:02";
	CHECK(parse(R"("kind":"macvlan","mac":"02:00:00:00:00:01")", args).mac ==
	      Bytes{2, 0, 0, 0, 0, 2});
	CHECK(parse(R"("kind":"macvlan","mac":"02:00:00:00:00:01",)"
		    R"("runtimeConfig":{"mac":"02:00:00:00:00:03"})", args).mac ==
	      Bytes{2, 0, 0, 0, 0, 3});
	CHECK(failure([&] { parse(R"("kind":"ipvlan","ipam":{"type":"static"})", args); }) ==
	      std::pair{2u, std::string("CNI_ARGS MAC is not supported by kind \"ipvlan\": "
					"\"02:00:00:00:00:02\" (an ipvlan has its master's MAC "
					"address)")});
}

TEST_CASE("cni config: each error names the key and the value")
{
	const std::vector<std::tuple<std::string, unsigned int, std::string>> cases = {
		{R"("master":"eth0")", 7, "\"kind\" is required: macvlan, ipvlan or vlan"},
		{R"("kind":"bridge")", 2,
		 "unsupported \"kind\": \"bridge\" (must be macvlan, ipvlan or vlan)"},
		{R"("kind":"vmux_macvlan")", 2,
		 "unsupported \"kind\": \"vmux_macvlan\" (must be macvlan, ipvlan or vlan)"},
		{R"("kind":42)", 7, "invalid \"kind\": 42 is not a string"},
		{R"("kind":"macvlan","mode":"source")", 2,
		 "unknown macvlan mode: \"source\" (\"mode\" must be private, vepa, bridge, passthru)"},
		{R"("kind":"ipvlan","mode":"l4","ipam":{"type":"static"})", 2,
		 "unknown ipvlan mode: \"l4\" (\"mode\" must be l2, l3, l3s)"},
		{R"("kind":"ipvlan","flags":"nopromisc","ipam":{"type":"static"})", 2,
		 "unknown ipvlan flags: \"nopromisc\" (\"flags\" must be bridge, private, vepa)"},
		{R"("kind":"vlan","master":"eth0","vlanId":4095,"ipam":{"type":"static"})", 7,
		 "invalid VLAN ID 4095 (\"vlanId\" must be between 0 and 4094 inclusive)"},
		{R"("kind":"vlan","master":"eth0","vlanId":-1,"ipam":{"type":"static"})", 7,
		 "invalid VLAN ID -1 (\"vlanId\" must be between 0 and 4094 inclusive)"},
		{R"("kind":"vlan","master":"eth0","vlanId":"10")", 7,
		 "invalid \"vlanId\": \"10\" is not an integer"},
		{R"("kind":"vlan","master":"eth0","protocol":"802.1X","ipam":{"type":"static"})", 2,
		 "unknown vlan protocol: \"802.1X\" (\"protocol\" must be 802.1Q, 802.1ad)"},
		{R"("kind":"vlan","ipam":{"type":"static"})", 7,
		 "\"master\" field is required. It specifies the host interface name to create the "
		 "VLAN for."},
		{R"("kind":"vlan","master":"eth0")", 7,
		 "\"ipam\" with a \"type\" is required for kind \"vlan\""},
		{R"("kind":"ipvlan","ipam":{})", 7,
		 "\"ipam\" with a \"type\" is required for kind \"ipvlan\""},
		{R"("kind":"vlan","master":"eth0","mode":"bridge")", 2,
		 "\"mode\" is not supported by kind \"vlan\": \"bridge\""},
		{R"("kind":"macvlan","vlanId":5)", 2, "\"vlanId\" is not supported by kind \"macvlan\": 5"},
		{R"("kind":"macvlan","flags":"private")", 2,
		 "\"flags\" is not supported by kind \"macvlan\": \"private\""},
		{R"("kind":"macvlan","keepPortMode":true)", 2,
		 "\"keepPortMode\" is not supported by kind \"macvlan\": true"},
		{R"("kind":"ipvlan","bcqueuelen":1,"ipam":{"type":"static"})", 2,
		 "\"bcqueuelen\" is not supported by kind \"ipvlan\": 1"},
		{R"("kind":"macvlan","bcqueuelen":65537)", 7,
		 "invalid \"bcqueuelen\": 65537 (must be 0-65536)"},
		{R"("kind":"macvlan","mtu":-5)", 7, "invalid MTU -5, must be [0, master MTU]"},
		{R"("kind":"macvlan","mtu":1500.5)", 7, "invalid \"mtu\": 1500.5 is not an integer"},
		{R"("kind":"macvlan","mac":"01:00:5e:00:00:01")", 7,
		 "invalid \"mac\" MAC address: \"01:00:5e:00:00:01\""},
		{R"("kind":"macvlan","mac":"zz")", 7, "invalid \"mac\" MAC address: \"zz\""},
		{R"("kind":"ipvlan","mac":"02:00:00:00:00:01","ipam":{"type":"static"})", 2,
		 "\"mac\" is not supported by kind \"ipvlan\": \"02:00:00:00:00:01\" (an ipvlan has "
		 "its master's MAC address)"},
		{R"("kind":"macvlan","master":"a b")", 7,
		 "invalid \"master\": \"a b\" is not an interface name"},
		{R"("kind":"macvlan","linkInContainer":"yes")", 7,
		 "invalid \"linkInContainer\": \"yes\" is not true or false"},
		{R"("kind":"macvlan","ipam":"host-local")", 7,
		 "invalid \"ipam\": \"host-local\" is not an object"},
		{R"("kind":"macvlan","prevResult":{"ips":[{"address":"10.0.0.2"}]})", 7,
		 "invalid prevResult: \"address\" is not an address/prefix: \"10.0.0.2\""},
	};
	// No structured bindings: clang 15 cannot capture them.
	for (const auto &c : cases) {
		const std::string &keys = std::get<0>(c);

		INFO(keys);
		CHECK(failure([&] { parse(keys); }) == std::pair{std::get<1>(c), std::get<2>(c)});
	}
}

TEST_CASE("cni config: chained, prevResult stands for master and IPAM")
{
	NetConf conf = parse(R"("kind":"vlan","vlanId":3,"prevResult":{"cniVersion":"1.0.0",)"
			     R"("interfaces":[{"name":"eth1"}],)"
			     R"("ips":[{"interface":0,"address":"10.1.0.5/24","gateway":"10.1.0.1"}]})");
	REQUIRE(conf.prev_result);
	CHECK(conf.prev_result->interfaces.at(0).name == "eth1");
	CHECK(conf.prev_result->ips.at(0).address.str() == "10.1.0.5/24");
	CHECK(conf.ipam_type.empty());
}

TEST_CASE("cni config: a NUL in a string is refused, not cut")
{
	auto [code, msg] = failure([] {
		parse_config(conf_with(R"("kind":"macvlan","master":"eth0\u0000x")"), CniArgs{});
	});
	CHECK(code == 7);
	CHECK(msg == "invalid \"master\": \"eth0\\u0000x\" holds a NUL character");
}

TEST_CASE("cni DEL: only the names, the kind and the IPAM plugin")
{
	// What ADD refuses does not stop a DEL from releasing the lease.
	for (const char *keys : {
		     R"("kind":"ipvlan","mac":"02:00:00:00:00:01","ipam":{"type":"host-local"})",
		     R"("kind":"macvlan","mtu":1500000000000,"ipam":{"type":"host-local"})",
		     R"("kind":"vlan","ipam":{"type":"host-local"},"prevResult":{"ips":[{"address":"fe80::1%eth0/64"}]})",
		     R"("kind":"macvlan","mac":"zz","runtimeConfig":{"mac":"ff:ff:ff:ff:ff:ff"},"ipam":{"type":"host-local"})",
	     }) {
		NetConf conf = parse_del_config(conf_with(keys));
		CHECK(conf.ipam_type == "host-local");
		REQUIRE(conf.kind);
	}
	NetConf conf = parse_del_config(conf_with(R"("kind":"bridge","ipam":7)"));
	CHECK(!conf.kind);
	CHECK(conf.ipam_type.empty());
	CHECK(failure([] { parse_del_config("{"); }).first == 6);
}
