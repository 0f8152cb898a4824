// SPDX-License-Identifier: GPL-2.0
//
// vmux-nlfuzz without a kernel: the encoder's bytes, the kernel's view of
// a request and the core-refusal rules, the dump checker, and the
// mutator's promises (same seed, same bytes; never a top-level attribute
// that reaches beyond the devices it was given).

#include <catch2/catch.hpp>

#include <set>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/vmux.h>

#include "helpers.hpp"
#include "kview.hpp"
#include "links.hpp"
#include "mutator.hpp"
#include "oracle.hpp"
#include "request.hpp"

using namespace nlfuzz;
using test::cat;
using test::le16;
using test::le32;
using test::nla;

namespace {

constexpr std::uint16_t NESTED = NLA_F_NESTED;

// A dump message of one device: ifinfomsg + @attrs.
Bytes newlink(int index, const Bytes &attrs)
{
	return test::nlmsg(RTM_NEWLINK, NLM_F_MULTI, cat({test::ifinfo(index), attrs}));
}

Bytes vlan_dump(int index, int lower, const Bytes &data)
{
	Bytes xstats = nla(IFLA_INFO_XSTATS | NESTED,
			   cat({nla(IFLA_VMUX_XSTATS_DEV | NESTED, nla(1, test::le64(0))),
				nla(IFLA_VMUX_XSTATS_PORT | NESTED, nla(1, test::le64(3)))}));
	return newlink(index, cat({nla(IFLA_IFNAME, test::str("v0")), nla(IFLA_MTU, le32(1500)),
				   nla(IFLA_LINK, le32(std::uint32_t(lower))),
				   nla(IFLA_LINKINFO | NESTED,
				       cat({nla(IFLA_INFO_KIND, test::str("vmux_vlan")),
					    nla(IFLA_INFO_DATA | NESTED, data), xstats}))}));
}

Bytes dummy_dump(int index, const char *name)
{
	return newlink(index, cat({nla(IFLA_IFNAME, test::str(name)), nla(IFLA_MTU, le32(1500)),
				   nla(IFLA_LINKINFO | NESTED, nla(IFLA_INFO_KIND, test::str("dummy")))}));
}

Bytes good_vlan_data()
{
	return cat({nla(IFLA_VMUX_VLAN_PROTOCOL, {0x81, 0x00}), nla(IFLA_VMUX_VLAN_ID, le16(10))});
}

} // namespace

TEST_CASE("nlfuzz: a create encodes as the kernel expects it")
{
	Request r = make_create("vmux_vlan", "v", 2, {Attr::u16(IFLA_VMUX_VLAN_ID, 5)});
	Encoded e = r.encode(0);
	Bytes want = test::nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
				 cat({test::ifinfo(0), nla(IFLA_IFNAME, test::str("v")),
				      nla(IFLA_LINK, le32(2)),
				      nla(IFLA_LINKINFO | NESTED,
					  cat({nla(IFLA_INFO_KIND, test::str("vmux_vlan")),
					       nla(IFLA_INFO_DATA | NESTED,
						   nla(IFLA_VMUX_VLAN_ID, le16(5)))}))}));

	CHECK(test::hex(e.bytes) == test::hex(want));
}

TEST_CASE("nlfuzz: a lying nla_len and a nest without NLA_F_NESTED go out as given")
{
	Request r;
	Attr lie = Attr::u32(IFLA_MTU, 1500);
	lie.len_lie = 200;
	Attr nest = Attr::nested(IFLA_LINKINFO, {});
	nest.type = IFLA_LINKINFO;
	r.attrs = {lie, nest};
	Encoded e = r.encode(0);
	Bytes want = test::nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK,
				 cat({test::ifinfo(0), le16(200), le16(IFLA_MTU), le32(1500),
				      le16(4), le16(IFLA_LINKINFO)}));

	CHECK(test::hex(e.bytes) == test::hex(want));
}

TEST_CASE("nlfuzz: bytes may flip in payloads, not in IFLA_IFNAME nor the kind")
{
	Request r = make_create("vmux_vlan", "v", 2, {Attr::u16(IFLA_VMUX_VLAN_ID, 5)});
	Encoded e = r.encode(0);
	const std::size_t hdr = 16 + 16;
	// IFNAME [32, 40), LINK [40, 48), LINKINFO [48, ...): KIND [52, 68).
	REQUIRE(e.flippable.size() == 2);
	CHECK(e.flippable[0] == std::pair<std::size_t, std::size_t>{hdr + 8 + 4, hdr + 16});
	CHECK(e.flippable[1] == std::pair<std::size_t, std::size_t>{hdr + 16 + 4 + 16, e.bytes.size()});
}

TEST_CASE("nlfuzz: the kernel's view: the last of a type, LINKINFO's policy")
{
	Request r = make_create("vmux_vlan", "v", 2, {});
	r.attrs.push_back(Attr::u32(IFLA_LINK, 3));
	KView v = kernel_view(r.encode().bytes);
	CHECK(v.get(IFLA_LINK)->u32() == 3u);
	CHECK(v.kind == "vmux_vlan");
	CHECK(v.linkinfo_ok);
	CHECK(v.ifname() == "v");

	r.find(IFLA_LINKINFO)->children = {Attr::raw(IFLA_INFO_KIND, {})};
	CHECK_FALSE(kernel_view(r.encode().bytes).linkinfo_ok);
	r.find(IFLA_LINKINFO)->children = {Attr::raw(IFLA_INFO_DATA, {1, 2})};
	CHECK_FALSE(kernel_view(r.encode().bytes).linkinfo_ok);

	// A header that overruns ends the walk: what follows does not count.
	Attr bad = Attr::u32(IFLA_MTU, 1);
	bad.len_lie = 1000;
	Request t = make_create("vmux_vlan", "", 2, {});
	t.attrs.insert(t.attrs.begin(), bad);
	KView w = kernel_view(t.encode().bytes);
	CHECK_FALSE(w.has_linkinfo);
	CHECK_FALSE(w.get(IFLA_LINK));
}

TEST_CASE("nlfuzz: names register_netdevice refuses")
{
	for (const char *ok : {"v0", "nz%d", "a.b", "0123456789abcde"})
		CHECK(valid_new_name(ok));
	for (const char *bad : {"", ".", "..", "a/b", "a b", "x:y", "invalid%", "%d%d", "%s",
				"0123456789abcdef"})
		CHECK_FALSE(valid_new_name(bad));
}

TEST_CASE("nlfuzz: core refusals without a message, by errno and cause")
{
	Snapshot s = parse_links({dummy_dump(1, "lo"), dummy_dump(2, "d0"), vlan_dump(7, 2, good_vlan_data())});
	REQUIRE(s.errors.empty());
	auto rule = [&](const Request &r, int e) {
		auto got = core_refusal(kernel_view(r.encode().bytes), s, e);
		return got ? std::string(got->id) : std::string("none");
	};

	Request r = make_create("vmux_vlan", "v", 2, {});
	r.find(IFLA_LINKINFO)->children.push_back(Attr::raw(IFLA_INFO_DATA, {1}));
	CHECK(rule(r, ERANGE) == "linkinfo-policy");
	CHECK(rule(make_create("vmux_vlan", "d0", 2, {}), EEXIST) == "exists-excl");
	CHECK(rule(make_create("vmux_vlan", "invalid%", 2, {}), EINVAL) == "bad-name");
	Request nocreate = make_create("vmux_vlan", "new", 2, {});
	nocreate.flags = 0;
	CHECK(rule(nocreate, ENODEV) == "no-create");
	CHECK(rule(make_change("vmux_macvlan", 7, {}), EOPNOTSUPP) == "kind-mismatch");
	// A refusal of a well-formed request is vmux's: no rule, vmux reached.
	Request good = make_create("vmux_vlan", "new", 2, {Attr::u16(IFLA_VMUX_VLAN_ID, 5)});
	CHECK(rule(good, EINVAL) == "none");
	CHECK(vmux_reached(kernel_view(good.encode().bytes), s));
	CHECK(vmux_reached(kernel_view(make_change("vmux_vlan", 7, {}).encode().bytes), s));
	CHECK_FALSE(vmux_reached(kernel_view(make_create("vmux_vlan", "a/b", 2, {}).encode().bytes), s));

	// Refused, these must have changed no device: any create, and what
	// reached the kind. A plain setlink may have applied some attributes.
	auto nothing = [&](const Request &q) { return changes_nothing(kernel_view(q.encode().bytes), s); };
	CHECK(nothing(good));
	CHECK(nothing(make_create("vmux_vlan", "a/b", 2, {})));
	CHECK(nothing(make_change("vmux_vlan", 7, {})));
	Request setlink;
	setlink.ifi.ifi_index = 7;
	setlink.set(Attr::u32(IFLA_MTU, 1400));
	CHECK_FALSE(nothing(setlink));
	Request change_mtu = make_change("vmux_vlan", 7, {});
	change_mtu.set(Attr::u32(IFLA_MTU, 1400));
	CHECK_FALSE(nothing(change_mtu));
}

TEST_CASE("nlfuzz: the dump checker")
{
	Snapshot ok = parse_links({dummy_dump(2, "d0"), vlan_dump(7, 2, good_vlan_data())});
	CHECK(ok.errors.empty());
	REQUIRE(ok.by_index(7));
	CHECK(ok.by_index(7)->vlan_id == 10);
	CHECK(ok.by_index(7)->vmux == VLAN);
	CHECK(ok.by_index(7)->info_data == good_vlan_data());

	// An entry overrunning its nest, an unknown type, a short ID, a bad id.
	Bytes overrun = cat({good_vlan_data(), le16(12), le16(IFLA_VMUX_VLAN_EGRESS_QOS)});
	Bytes unknown = cat({good_vlan_data(), nla(9, le32(0))});
	Bytes shortid = cat({nla(IFLA_VMUX_VLAN_PROTOCOL, {0x81, 0x00}), nla(IFLA_VMUX_VLAN_ID, {5})});
	Bytes badid = cat({nla(IFLA_VMUX_VLAN_PROTOCOL, {0x81, 0x00}), nla(IFLA_VMUX_VLAN_ID, le16(4095))});
	for (const Bytes &d : {overrun, unknown, shortid, badid}) {
		Snapshot s = parse_links({dummy_dump(2, "d0"), vlan_dump(7, 2, d)});
		CHECK_FALSE(s.errors.empty());
	}
	// A lower that is not there, without IFLA_LINK_NETNSID.
	CHECK_FALSE(parse_links({vlan_dump(7, 2, good_vlan_data())}).errors.empty());
	// Two vmux_vlan with the same id on one lower.
	CHECK_FALSE(parse_links({dummy_dump(2, "d0"), vlan_dump(7, 2, good_vlan_data()),
				 vlan_dump(8, 2, good_vlan_data())}).errors.empty());
}

TEST_CASE("nlfuzz: the mutator replays from its seed")
{
	Targets t;
	t.lowers = {2, 2, 3};
	t.spare = 4;
	t.children = {{7, VLAN}, {8, MACVLAN}, {9, IPVLAN}};
	t.our_names = {"nfc0", "nfc1"};
	auto run = [&](std::uint64_t seed) {
		Rng rng(seed);
		std::vector<Bytes> out;

		for (int i = 0; i < 300; i++) {
			std::string desc;
			if (auto e = random_message(rng, t, "nr" + std::to_string(i), desc))
				out.push_back(e->bytes);
		}
		return out;
	};

	CHECK(run(42) == run(42));
	CHECK(run(42) != run(43));
}

TEST_CASE("nlfuzz: mutated requests name only the devices they were given")
{
	const std::set<std::uint16_t> allowed = {
		IFLA_ADDRESS, IFLA_BROADCAST, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_TXQLEN,
		IFLA_OPERSTATE, IFLA_LINKMODE, IFLA_LINKINFO, IFLA_NUM_TX_QUEUES,
		IFLA_NUM_RX_QUEUES, IFLA_LINK_NETNSID,
	};
	const std::set<int> indexes = {0, -1, 0x7ffffff0, 7, 8, 9};
	const std::set<std::string> kinds = {"", "vmux_vlan", "vmux_macvlan", "vmux_ipvlan", "vmux_vla"};
	Targets t;
	t.lowers = {2};
	t.children = {{7, VLAN}, {8, MACVLAN}, {9, IPVLAN}};
	t.our_names = {"nfc0"};
	t.foreign_nsid = 7;
	Rng rng(1);
	int unknown_kinds = 0;

	for (int i = 0; i < 20000; i++) {
		std::string desc;
		auto e = random_message(rng, t, "nr", desc);
		if (!e)
			continue;
		KView v = kernel_view(e->bytes);
		for (const auto &[type, a] : v.tb)
			if (type <= IFLA_MAX && !allowed.count(type))
				FAIL("top-level type " << type << " after" << desc);
		if (!indexes.count(v.ifi.ifi_index))
			FAIL("ifindex " << v.ifi.ifi_index << " after" << desc);
		unknown_kinds += !kinds.count(v.kind);
	}
	// A kind nobody registered costs a modprobe: they stay rare.
	CHECK(unknown_kinds < 100);
}
