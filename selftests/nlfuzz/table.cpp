// SPDX-License-Identifier: GPL-2.0
//
// Phase 1: the table-driven attacks, syzkaller's lessons for netlink made
// explicit (every attribute at every length, nests, duplicates, lowers,
// failed registrations, MTU, address and header edges), every one
// through Fuzzer::step's oracles, with an expectation where the answer is
// not a matter of taste: a zero-length or short fixed-size attribute, a
// read-only one, a loopback or L3 lower, an invalid name must be refused.

#include "table.hpp"

#include <string>

#include <fmt/format.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/vmux.h>

namespace nlfuzz {

namespace {

class Table {
public:
	explicit Table(Fuzzer &f) : f_(f), env_(f.env()) {}

	void run()
	{
		attributes();
		nesting();
		linkinfo();
		duplicates();
		lowers();
		names_with_state();
		mtu_edges();
		address_edges();
		header_edges();
		if (!env_.foreign_children.empty())
			foreign();
		// Not an oracle: the in-kernel drivers parse as leniently (no
		// strict_start_type in their policies either). Said so that it
		// is seen.
		fmt::print("nlfuzz: table: NOTE: accepted {} requests with an over-long fixed-size "
			   "attribute and {} with a type above maxtype: the kinds' policies have no "
			   "strict_start_type\n", lenient_long_, lenient_unknown_);
	}

private:
	// A create of @k on @lower with the minimal data and @extra.
	Request create(KindId k, int lower, std::vector<Attr> extra = {}, const char *prefix = "nt")
	{
		std::vector<Attr> d = minimal_data(k, next_vid());

		for (Attr &a : extra) {
			std::erase_if(d, [&](const Attr &x) { return x.kind() == a.kind(); });
			d.push_back(std::move(a));
		}
		return make_create(kind_spec(k).kind, f_.fresh_name(prefix), lower, std::move(d));
	}

	Request change(KindId k, std::vector<Attr> data)
	{
		return make_change(kind_spec(k).kind, child(k), std::move(data));
	}

	int child(KindId k) const
	{
		for (const auto &c : f_.children())
			if (c.kind == k)
				return c.ifindex;
		return 0;
	}

	std::uint16_t next_vid() { return vid_ = vid_ >= 4000 ? 100 : vid_ + 1; }

	std::string label(KindId k, const std::string &what)
	{
		return fmt::format("table {} {}", kind_spec(k).shortname, what);
	}

	void attributes();
	void nesting();
	void linkinfo();
	void duplicates();
	void lowers();
	void names_with_state();
	void mtu_edges();
	void address_edges();
	void header_edges();
	void foreign();

	// A passthru macvlan succeeds only on a lower without a vmux port: a
	// failed create on @lower must have left none behind.
	void probe_port_free(int lower, const std::string &after, int nsid = -1)
	{
		Request r = make_create(VMUX_KIND_MACVLAN, f_.fresh_name("np"), lower,
					{Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_PASSTHRU)});
		if (nsid >= 0)
			r.set(Attr::s32(IFLA_LINK_NETNSID, nsid));
		f_.step("probe: no vmux port left after " + after, r, Expect::Accept);
	}

	Fuzzer &f_;
	const Env &env_;
	std::uint16_t vid_ = 100;
	unsigned lenient_long_ = 0, lenient_unknown_ = 0;
};

// Payload @exact cut or grown to @len (0xa5 beyond the good bytes).
Bytes resized(Bytes exact, std::size_t len)
{
	exact.resize(len, 0xa5);
	return exact;
}

Bytes encode_children(const std::vector<Attr> &children)
{
	Request tmp;

	tmp.attrs = children;
	Encoded e = tmp.encode();
	return Bytes(e.bytes.begin() + long(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg))),
		     e.bytes.end());
}

// Every attribute 1..maxtype+3 of every kind, in create and in changelink,
// with payloads of length 0, short, exact, long and much longer.
void Table::attributes()
{
	for (int k = 0; k < N_KINDS; k++) {
		KindId kid = KindId(k);
		const KindSpec &ks = kind_spec(kid);

		for (std::uint16_t t = 1; t <= ks.maxtype + 3; t++) {
			const AttrSpec *s = ks.spec(t);
			Attr good = s ? good_attr(kid, *s) : Attr::u32(t, 0x5a5a5a5a);
			Bytes exact = good.nest ? encode_children(good.children) : good.payload;
			std::string name = s ? std::string(s->name) : fmt::format("type{}", t);
			std::vector<std::size_t> lens = {0, exact.size() ? exact.size() - 1 : 1,
							  exact.size(), exact.size() + 1,
							  exact.size() + 4, 64};

			for (std::size_t len : lens) {
				Attr a = good;
				Expect want = Expect::Any;

				if (good.nest && len != exact.size()) {
					// A nest of another length: its bytes as they are.
					a = Attr::raw(good.type, resized(exact, len));
				} else if (!good.nest) {
					a.payload = resized(exact, len);
				}
				if (s) {
					switch (s->shape) {
					case Shape::U16:
					case Shape::BE16:
					case Shape::U32:
					case Shape::S32:
						if (len < s->len)	// policy: a minimum length
							want = Expect::Refuse;
						break;
					case Shape::Binary:	// NLA_POLICY_EXACT_LEN / ETH_ADDR
						if (len != s->len)
							want = Expect::Refuse;
						break;
					case Shape::ReadOnly:	// NLA_REJECT
						want = Expect::Refuse;
						break;
					case Shape::Nested:	// a nest: empty, or a header at least
						if (len && len < 4)
							want = Expect::Refuse;
						break;
					}
				}
				std::string what = fmt::format("{} len {}", name, len);
				bool longer = s && !good.nest && len > exact.size();
				for (bool cr : {true, false}) {
					Outcome o = cr ? f_.step(label(kid, "create " + what),
								 create(kid, env_.lower, {a}), want)
						       : f_.step(label(kid, "change " + what),
								 change(kid, {a}), want);
					if (o.reply.error)
						continue;
					lenient_long_ += longer;
					lenient_unknown_ += !s;
				}
			}
		}
	}
}

// Nested where flat and flat where nested, NLA_F_NESTED toggled, and
// nests holding what does not belong there.
void Table::nesting()
{
	for (int k = 0; k < N_KINDS; k++) {
		KindId kid = KindId(k);
		const KindSpec &ks = kind_spec(kid);

		for (const AttrSpec &s : ks.attrs) {
			Attr good = good_attr(kid, s);
			std::vector<std::pair<std::string, Attr>> v;

			if (good.nest) {
				Attr flat = good;
				flat.type &= ~NLA_F_NESTED;	// no flag: still parsed as a nest
				v.push_back({"no NLA_F_NESTED", flat});
				// The entry's struct without its header.
				v.push_back({"flat entry", Attr::raw(s.type, good.children[0].payload)});
				v.push_back({"entry nested once more",
					     Attr::nested(s.type, {Attr::nested(s.elem_type, good.children)})});
			} else {
				Attr flagged = good;
				flagged.type |= NLA_F_NESTED;
				v.push_back({"NLA_F_NESTED on a scalar", flagged});
				v.push_back({"scalar as a nest", Attr::nested(s.type, {good})});
				v.push_back({"scalar as an empty nest", Attr::nested(s.type, {})});
			}
			for (auto &[what, a] : v) {
				f_.step(label(kid, fmt::format("create {} {}", s.name, what)),
					create(kid, env_.lower, {a}));
				f_.step(label(kid, fmt::format("change {} {}", s.name, what)),
					change(kid, {a}));
			}
		}
	}

	// QoS maps: IFLA_VMUX_VLAN_QOS_MAPPING entries only, of 8 bytes.
	auto map = [](std::uint32_t from, std::uint32_t to) {
		return Attr::pair32(IFLA_VMUX_VLAN_QOS_MAPPING, from, to);
	};
	for (std::uint16_t qos : {IFLA_VMUX_VLAN_EGRESS_QOS, IFLA_VMUX_VLAN_INGRESS_QOS}) {
		bool ingress = qos == IFLA_VMUX_VLAN_INGRESS_QOS;
		const char *dir = ingress ? "ingress" : "egress";
		Attr lie = map(1, 1);
		lie.len_lie = 200;
		std::vector<Attr> big;
		for (std::uint32_t i = 0; i < 1025; i++)
			big.push_back(map(i, 1));
		struct Q {
			const char *what;
			std::vector<Attr> entries;
			Expect want;
		};
		std::vector<Q> cases = {
			{"type 0 entry", {Attr::pair32(0, 1, 1)}, Expect::Refuse},
			{"type 2 entry", {Attr::pair32(2, 1, 1)}, Expect::Refuse},
			{"type 0x7fff entry", {Attr::pair32(0x7fff, 1, 1)}, Expect::Refuse},
			{"nested entry", {Attr::nested(IFLA_VMUX_VLAN_QOS_MAPPING, {map(1, 1)})},
			 Expect::Refuse},
			{"NLA_F_NESTED entry", {Attr::raw(IFLA_VMUX_VLAN_QOS_MAPPING | NLA_F_NESTED,
							  map(1, 1).payload)},
			 Expect::Refuse},
			{"7-byte entry", {Attr::raw(IFLA_VMUX_VLAN_QOS_MAPPING, Bytes(7, 1))}, Expect::Refuse},
			{"9-byte entry", {Attr::raw(IFLA_VMUX_VLAN_QOS_MAPPING, Bytes(9, 1))}, Expect::Refuse},
			{"16-byte entry", {Attr::raw(IFLA_VMUX_VLAN_QOS_MAPPING, Bytes(16, 1))},
			 Expect::Refuse},
			{"empty entry", {Attr::raw(IFLA_VMUX_VLAN_QOS_MAPPING, {})}, Expect::Refuse},
			{"entry with nla_len 200", {map(1, 1), lie}, Expect::Refuse},
			{"good then foreign", {map(1, 1), Attr::u16(IFLA_VMUX_VLAN_ID, 5)}, Expect::Refuse},
			{"PCP 8", {ingress ? map(8, 1) : map(1, 8)}, Expect::Refuse},
			{"PCP 0xffffffff", {ingress ? map(0xffffffff, 1) : map(1, 0xffffffff)},
			 Expect::Refuse},
			{"the same priority twice", {map(2, 3), map(2, 4), map(2, 0)}, Expect::Any},
			{"1025 mappings", big, Expect::Refuse},
		};
		for (Q &q : cases) {
			Attr nest = Attr::nested(qos, q.entries);
			f_.step(label(VLAN, fmt::format("create {} QoS {}", dir, q.what)),
				create(VLAN, env_.lower, {nest}), q.want);
			f_.step(label(VLAN, fmt::format("change {} QoS {}", dir, q.what)),
				change(VLAN, {nest}), q.want);
		}
		// Trailing bytes after a good entry: strict validation says no.
		Bytes tail = encode_children({map(1, 1)});
		tail.insert(tail.end(), {0xde, 0xad});
		Attr t = Attr::raw(qos | NLA_F_NESTED, tail);
		f_.step(label(VLAN, fmt::format("create {} QoS trailing bytes", dir)),
			create(VLAN, env_.lower, {t}), Expect::Refuse);
	}
	// Clean the child's maps again: egress to 0 deletes.
	std::vector<Attr> clear;
	for (std::uint32_t i = 0; i < 1025; i++)
		clear.push_back(map(i, 0));
	f_.step(label(VLAN, "change egress QoS cleared"),
		change(VLAN, {Attr::nested(IFLA_VMUX_VLAN_EGRESS_QOS, clear)}), Expect::Accept);

	// Source MAC lists: IFLA_VMUX_MACVLAN_MACADDR entries of unicast MACs.
	auto mac = [](const char *m) { return Attr::raw(IFLA_VMUX_MACVLAN_MACADDR, mac_bytes(m)); };
	auto source_set = [&](std::vector<Attr> entries) {
		return std::vector<Attr>{
			Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_SOURCE),
			Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_SET),
			Attr::nested(IFLA_VMUX_MACVLAN_MACADDR_DATA, std::move(entries))};
	};
	std::vector<Attr> many;
	for (unsigned i = 0; i < 1025; i++)
		many.push_back(Attr::raw(IFLA_VMUX_MACVLAN_MACADDR,
					 {0x02, 0x77, 0, 0, std::uint8_t(i >> 8), std::uint8_t(i)}));
	struct M {
		const char *what;
		std::vector<Attr> entries;
		Expect want;
	};
	std::vector<M> mcases = {
		{"type 1 entry", {Attr::u32(IFLA_VMUX_MACVLAN_MODE, 4)}, Expect::Refuse},
		{"5-byte entry", {Attr::raw(IFLA_VMUX_MACVLAN_MACADDR, Bytes(5, 2))}, Expect::Refuse},
		{"7-byte entry", {Attr::raw(IFLA_VMUX_MACVLAN_MACADDR, Bytes(7, 2))}, Expect::Refuse},
		{"empty entry", {Attr::raw(IFLA_VMUX_MACVLAN_MACADDR, {})}, Expect::Refuse},
		{"multicast entry", {mac("01:00:5e:00:00:01")}, Expect::Refuse},
		{"zero entry", {mac("00:00:00:00:00:00")}, Expect::Refuse},
		{"broadcast entry", {mac("ff:ff:ff:ff:ff:ff")}, Expect::Refuse},
		{"nested entry", {Attr::nested(IFLA_VMUX_MACVLAN_MACADDR, {mac("02:00:00:00:00:01")})},
		 Expect::Refuse},
		{"good then type 0", {mac("02:00:00:00:00:01"), Attr::raw(0, Bytes(6, 2))},
		 Expect::Refuse},
		{"the same MAC thrice", {mac("02:00:00:00:00:03"), mac("02:00:00:00:00:03"),
					 mac("02:00:00:00:00:03")}, Expect::Accept},
		{"1025 MACs", many, Expect::Refuse},
		{"empty list", {}, Expect::Accept},
	};
	int nfs = 0;
	for (const auto &c : f_.children())
		if (c.what == "macvlan source")
			nfs = c.ifindex;
	for (M &m : mcases) {
		f_.step(label(MACVLAN, fmt::format("create source list {}", m.what)),
			create(MACVLAN, env_.lower, source_set(m.entries)), m.want);
		f_.step(label(MACVLAN, fmt::format("change source list {}", m.what)),
			make_change(VMUX_KIND_MACVLAN, nfs, source_set(m.entries)), m.want);
	}
	// The list's neighbours: a list without SET, SET outside mode source.
	f_.step(label(MACVLAN, "create list with macaddr add"),
		create(MACVLAN, env_.lower,
		       {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_SOURCE),
			Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_ADD),
			Attr::nested(IFLA_VMUX_MACVLAN_MACADDR_DATA, {mac("02:00:00:00:00:04")})}),
		Expect::Refuse);
	f_.step(label(MACVLAN, "create macaddr set in mode bridge"),
		create(MACVLAN, env_.lower,
		       {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_BRIDGE),
			Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_SET),
			Attr::nested(IFLA_VMUX_MACVLAN_MACADDR_DATA, {mac("02:00:00:00:00:04")})}),
		Expect::Refuse);
	f_.step(label(MACVLAN, "create macaddr mode 4"),
		create(MACVLAN, env_.lower,
		       {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_SOURCE),
			Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, 4)}),
		Expect::Refuse);
}

// IFLA_LINKINFO itself: what rtnetlink parses before the kind sees a byte.
void Table::linkinfo()
{
	struct L {
		const char *what;
		std::vector<Attr> info;
		Expect want;
	};
	Attr data = Attr::nested(IFLA_INFO_DATA, {Attr::u16(IFLA_VMUX_VLAN_ID, 9)});
	Attr data_noflag = data;
	data_noflag.type &= ~NLA_F_NESTED;
	Attr kind = Attr::str(IFLA_INFO_KIND, VMUX_KIND_VLAN);
	Attr kind_nonul = Attr::raw(IFLA_INFO_KIND, Bytes{'v', 'm', 'u', 'x', '_', 'v', 'l', 'a', 'n'});
	Attr mv_data = Attr::nested(IFLA_INFO_DATA, {Attr::u32(IFLA_VMUX_MACVLAN_MODE, 4)});
	std::vector<L> cases = {
		{"INFO_DATA of 2 bytes", {kind, Attr::raw(IFLA_INFO_DATA, Bytes{1, 2})}, Expect::Refuse},
		{"INFO_DATA garbage", {kind, Attr::raw(IFLA_INFO_DATA, Bytes{0xff, 0xff, 1, 0, 5, 0, 0, 0})},
		 Expect::Refuse},
		{"INFO_DATA without NLA_F_NESTED", {kind, data_noflag}, Expect::Any},
		{"INFO_KIND without NUL", {kind_nonul, data}, Expect::Any},
		{"INFO_KIND empty", {Attr::raw(IFLA_INFO_KIND, {}), data}, Expect::Refuse},
		{"INFO_KIND after INFO_DATA", {data, kind}, Expect::Any},
		{"INFO_DATA twice, the last bad", {kind, data, Attr::nested(IFLA_INFO_DATA, {})},
		 Expect::Refuse},
		{"INFO_DATA twice, the last good", {kind, Attr::nested(IFLA_INFO_DATA, {}), data},
		 Expect::Any},
		{"vlan kind, macvlan data", {kind, mv_data}, Expect::Any},
		{"no INFO_DATA", {kind}, Expect::Refuse},
		{"INFO_SLAVE_KIND and DATA", {kind, data, Attr::str(IFLA_INFO_SLAVE_KIND, "bond"),
					      Attr::nested(IFLA_INFO_SLAVE_DATA, {Attr::u8(1, 1)})},
		 Expect::Any},
		{"INFO_XSTATS in a request", {kind, data, Attr::nested(IFLA_INFO_XSTATS, {})},
		 Expect::Any},
		{"unknown kind vmux_nope", {Attr::str(IFLA_INFO_KIND, "vmux_nope"), data},
		 Expect::Refuse},
	};
	for (L &c : cases) {
		Request r = make_create(VMUX_KIND_VLAN, f_.fresh_name("nt"), env_.lower, {});
		r.find(IFLA_LINKINFO)->children = c.info;
		f_.step(fmt::format("table linkinfo create {}", c.what), r, c.want);
		Request ch = make_change(VMUX_KIND_VLAN, child(VLAN), {});
		ch.find(IFLA_LINKINFO)->children = c.info;
		f_.step(fmt::format("table linkinfo change {}", c.what), ch);
	}
	// IFLA_LINKINFO not a nest, or twice.
	Request r = make_create(VMUX_KIND_VLAN, f_.fresh_name("nt"), env_.lower, {});
	r.find(IFLA_LINKINFO)->type = IFLA_LINKINFO;	// flag off
	f_.step("table linkinfo without NLA_F_NESTED", r, Expect::Any);
	r = make_create(VMUX_KIND_VLAN, f_.fresh_name("nt"), env_.lower, {});
	r.set(Attr::raw(IFLA_LINKINFO, Bytes{1, 2}));
	f_.step("table linkinfo of 2 bytes", r, Expect::Refuse);
	r = create(VLAN, env_.lower);
	r.attrs.push_back(make_create(VMUX_KIND_MACVLAN, "", -1, {}).attrs.back());
	f_.step("table linkinfo twice, vlan then macvlan", r, Expect::Any);
}

// Each attribute twice, the bad one first and last: the last one counts.
void Table::duplicates()
{
	struct D {
		KindId k;
		Attr good, bad;
	};
	std::vector<D> ds = {
		{VLAN, Attr::u16(IFLA_VMUX_VLAN_ID, 11), Attr::u16(IFLA_VMUX_VLAN_ID, 4095)},
		{VLAN, Attr::be16(IFLA_VMUX_VLAN_PROTOCOL, ETH_P_8021Q),
		 Attr::be16(IFLA_VMUX_VLAN_PROTOCOL, 0x1234)},
		{VLAN, Attr::pair32(IFLA_VMUX_VLAN_FLAGS, 1, 1),
		 Attr::pair32(IFLA_VMUX_VLAN_FLAGS, VMUX_VLAN_FLAG_GVRP, VMUX_VLAN_FLAG_GVRP)},
		{MACVLAN, Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_VEPA),
		 Attr::u32(IFLA_VMUX_MACVLAN_MODE, 3)},
		{MACVLAN, Attr::u32(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, 10),
		 Attr::u32(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, 65537)},
		{MACVLAN, Attr::u16(IFLA_VMUX_MACVLAN_FLAGS, 0), Attr::u16(IFLA_VMUX_MACVLAN_FLAGS, 4)},
		{IPVLAN, Attr::u16(IFLA_VMUX_IPVLAN_MODE, VMUX_IPVLAN_MODE_L2),
		 Attr::u16(IFLA_VMUX_IPVLAN_MODE, 3)},
		{IPVLAN, Attr::u16(IFLA_VMUX_IPVLAN_FLAGS, 0), Attr::u16(IFLA_VMUX_IPVLAN_FLAGS, 3)},
	};
	for (D &d : ds) {
		std::string n = fmt::format("{}", d.good.kind());
		auto twice = [&](const Attr &a, const Attr &b) {
			std::vector<Attr> v = minimal_data(d.k, next_vid());
			std::erase_if(v, [&](const Attr &x) { return x.kind() == a.kind(); });
			v.push_back(a);
			v.push_back(b);
			return v;
		};
		f_.step(label(d.k, "create type " + n + " bad then good"),
			make_create(kind_spec(d.k).kind, f_.fresh_name("nt"), env_.lower,
				    twice(d.bad, d.good)), Expect::Accept);
		f_.step(label(d.k, "create type " + n + " good then bad"),
			make_create(kind_spec(d.k).kind, f_.fresh_name("nt"), env_.lower,
				    twice(d.good, d.bad)), Expect::Refuse);
		f_.step(label(d.k, "change type " + n + " good then bad"),
			change(d.k, {d.good, d.bad}), Expect::Refuse);
	}
	// IFLA_LINK twice: the last one.
	for (int k = 0; k < N_KINDS; k++) {
		Request r = create(KindId(k), env_.lower);
		r.attrs.push_back(Attr::u32(IFLA_LINK, std::uint32_t(env_.lo)));
		f_.step(label(KindId(k), "create IFLA_LINK lower then lo"), r, Expect::Refuse);
		r = create(KindId(k), env_.lo);
		r.attrs.push_back(Attr::u32(IFLA_LINK, std::uint32_t(env_.lower)));
		f_.step(label(KindId(k), "create IFLA_LINK lo then lower"), r,
			k == MACVLAN || k == VLAN ? Expect::Accept : Expect::Any);
	}
}

// What a lower may be, and that a changelink cannot change it.
void Table::lowers()
{
	struct Lw {
		std::string what;
		int ifindex;
		Expect want;
		int err;
	};
	std::vector<Lw> ls = {
		{"lo", env_.lo, Expect::Refuse, EINVAL},
		{"tun (L3)", env_.tun, Expect::Refuse, EINVAL},
		{"an ifindex of another netns", env_.foreign_ifindex, Expect::Refuse, ENODEV},
		{"a missing ifindex", 0x7ffffff0, Expect::Refuse, ENODEV},
		{"ifindex 0", 0, Expect::Refuse, ENODEV},
		{"8021q vlan", env_.vlan8021q, Expect::Any, 0},
		{"vmux lower", env_.vmux_lower, Expect::Any, 0},
		{"spare", env_.spare, Expect::Accept, 0},
	};
	for (const auto &c : f_.children())
		ls.push_back({"the fuzzer's " + c.what, c.ifindex, Expect::Any, 0});
	for (int k = 0; k < N_KINDS; k++) {
		KindId kid = KindId(k);

		for (const Lw &l : ls) {
			if (!l.ifindex && l.what != "ifindex 0")
				continue;
			f_.step(label(kid, fmt::format("create on {}", l.what)),
				create(kid, l.ifindex), l.want, l.err);
		}
		Request r = create(kid, -1);
		f_.step(label(kid, "create without IFLA_LINK"), r, Expect::Refuse, EINVAL);
		// Its own ifindex as its lower: not there until registered.
		r = create(kid, 0x7ffffff1);
		r.ifi.ifi_index = 0x7ffffff1;
		f_.step(label(kid, "create on itself"), r, Expect::Refuse, ENODEV);
		if (env_.foreign_nsid >= 0) {
			r = create(kid, env_.foreign_ifindex);
			r.set(Attr::s32(IFLA_LINK_NETNSID, env_.foreign_nsid));
			f_.step(label(kid, "create on a lower in another netns (IFLA_LINK_NETNSID)"), r);
			r = create(kid, env_.foreign_ifindex);
			r.set(Attr::s32(IFLA_LINK_NETNSID, 0x7fff));
			f_.step(label(kid, "create with an unknown IFLA_LINK_NETNSID"), r, Expect::Refuse);
		}
		// changelink: IFLA_LINK is not the kind's to change (ignored, as
		// 8021q and macvlan do); check_invariants sees the lower stay.
		int self = child(kid);
		for (int to : {self, env_.lo, env_.tun, env_.spare, env_.foreign_ifindex}) {
			if (!to)
				continue;
			Request c = change(kid, {});
			c.set(Attr::u32(IFLA_LINK, std::uint32_t(to)));
			f_.step(label(kid, fmt::format("change IFLA_LINK to {}{}", to,
						       to == self ? " (itself)" : "")), c);
		}
	}
}

// An invalid name (register_netdevice fails after newlink set up state)
// with every attribute that creates state, on a lower without a port:
// the port and everything must be gone again (CVE-2026-23209's class).
void Table::names_with_state()
{
	auto mac = [](const char *m) { return Attr::raw(IFLA_VMUX_MACVLAN_MACADDR, mac_bytes(m)); };
	struct S {
		const char *what;
		KindId k;
		std::vector<Attr> data;
		bool addr = false;
	};
	std::vector<S> states = {
		{"vlan QoS maps", VLAN,
		 {Attr::u16(IFLA_VMUX_VLAN_ID, 7),
		  Attr::nested(IFLA_VMUX_VLAN_EGRESS_QOS,
			       {Attr::pair32(1, 1, 2), Attr::pair32(1, 2, 3), Attr::pair32(1, 9, 7)}),
		  Attr::nested(IFLA_VMUX_VLAN_INGRESS_QOS, {Attr::pair32(1, 1, 5), Attr::pair32(1, 7, 9)})}},
		{"vlan 802.1ad loose", VLAN,
		 {Attr::u16(IFLA_VMUX_VLAN_ID, 8), Attr::be16(IFLA_VMUX_VLAN_PROTOCOL, ETH_P_8021AD),
		  Attr::pair32(IFLA_VMUX_VLAN_FLAGS, 4, 4)}},
		{"macvlan source add", MACVLAN,
		 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_SOURCE),
		  Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_ADD),
		  mac("02:00:00:00:00:20")}},
		{"macvlan source set list", MACVLAN,
		 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_SOURCE),
		  Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_SET),
		  Attr::nested(IFLA_VMUX_MACVLAN_MACADDR_DATA,
			       {mac("02:00:00:00:00:21"), mac("02:00:00:00:00:22"),
				mac("02:00:00:00:00:23")})}},
		{"macvlan source nodst", MACVLAN,
		 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_SOURCE),
		  Attr::u16(IFLA_VMUX_MACVLAN_FLAGS, VMUX_MACVLAN_FLAG_NODST),
		  Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_ADD),
		  mac("02:00:00:00:00:24")}},
		{"macvlan passthru", MACVLAN,
		 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_PASSTHRU)}},
		{"macvlan passthru nopromisc", MACVLAN,
		 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_PASSTHRU),
		  Attr::u16(IFLA_VMUX_MACVLAN_FLAGS, VMUX_MACVLAN_FLAG_NOPROMISC)}},
		{"macvlan bcqueuelen bclim", MACVLAN,
		 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_BRIDGE),
		  Attr::u32(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, 5000),
		  Attr::s32(IFLA_VMUX_MACVLAN_BC_CUTOFF, -1)}},
		{"macvlan vepa address", MACVLAN,
		 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_VEPA)}, true},
		{"ipvlan l3s", IPVLAN, {Attr::u16(IFLA_VMUX_IPVLAN_MODE, VMUX_IPVLAN_MODE_L3S)}},
		{"ipvlan l3s vepa", IPVLAN,
		 {Attr::u16(IFLA_VMUX_IPVLAN_MODE, VMUX_IPVLAN_MODE_L3S),
		  Attr::u16(IFLA_VMUX_IPVLAN_FLAGS, VMUX_IPVLAN_F_VEPA)}},
		{"ipvlan l2 private", IPVLAN,
		 {Attr::u16(IFLA_VMUX_IPVLAN_MODE, VMUX_IPVLAN_MODE_L2),
		  Attr::u16(IFLA_VMUX_IPVLAN_FLAGS, VMUX_IPVLAN_F_PRIVATE)}},
	};
	const std::vector<std::string> names = {"invalid%", "a/b", "..", "sp ace", "%d%d",
						"0123456789abcdef", ""};

	if (!env_.spare)
		return;
	for (const S &s : states) {
		for (const std::string &n : names) {
			Request r = make_create(kind_spec(s.k).kind, "", env_.spare, s.data);
			r.attrs.insert(r.attrs.begin(), Attr::str(IFLA_IFNAME, n));
			if (s.addr)
				r.set(Attr::raw(IFLA_ADDRESS, mac_bytes("02:00:00:00:00:30")));
			std::string what = fmt::format("name \"{}\" + {}", n, s.what);
			f_.step("table " + what, r, Expect::Refuse);
			probe_port_free(env_.spare, what);
		}
		if (env_.foreign_nsid < 0)
			continue;
		// register_netdevice fails after ndo_init: an ifindex taken in the
		// link netns (the device is registered there, then moved).
		Request r = make_create(kind_spec(s.k).kind, f_.fresh_name("nt"), env_.foreign_ifindex,
					s.data);
		r.ifi.ifi_index = env_.foreign_ifindex;
		r.set(Attr::s32(IFLA_LINK_NETNSID, env_.foreign_nsid));
		std::string what = fmt::format("taken ifindex in the link netns + {}", s.what);
		f_.step("table " + what, r, Expect::Refuse, EBUSY);
		probe_port_free(env_.foreign_ifindex, what, env_.foreign_nsid);
		// ... or a name taken there (before ndo_init).
		r = make_create(kind_spec(s.k).kind, "lo", env_.foreign_ifindex, s.data);
		r.ifi.ifi_index = 0x7ffffff2;
		r.set(Attr::s32(IFLA_LINK_NETNSID, env_.foreign_nsid));
		what = fmt::format("name taken in the link netns + {}", s.what);
		f_.step("table " + what, r, Expect::Refuse, EEXIST);
		probe_port_free(env_.foreign_ifindex, what, env_.foreign_nsid);
	}
}

// MTU edges on newlink and on changelink (with and without the kind).
void Table::mtu_edges()
{
	std::uint32_t low = std::uint32_t(f_.lower_mtu());

	for (std::uint32_t mtu : {0u, 67u, 68u, low - 1, low, low + 1, 65535u, 0xffffffffu}) {
		for (int k = 0; k < N_KINDS; k++) {
			KindId kid = KindId(k);
			Expect want = Expect::Any;

			if (mtu == 0xffffffff)
				want = Expect::Refuse;
			else if (kid != IPVLAN && mtu > low)
				want = Expect::Refuse;		// above the lower's
			else if (kid != VLAN && mtu < 68)
				want = Expect::Refuse;		// ETH_MIN_MTU
			Request r = create(kid, env_.lower);
			r.set(Attr::u32(IFLA_MTU, mtu));
			f_.step(label(kid, fmt::format("create mtu {}", mtu)), r, want);

			Request c = change(kid, {});
			c.set(Attr::u32(IFLA_MTU, mtu));
			f_.step(label(kid, fmt::format("change mtu {}", mtu)), c, want);
			Request p;
			p.ifi.ifi_index = child(kid);
			p.set(Attr::u32(IFLA_MTU, mtu));
			f_.step(label(kid, fmt::format("setlink mtu {}", mtu)), p, want);
		}
	}
	for (int k = 0; k < N_KINDS; k++) {
		Request p;
		p.ifi.ifi_index = child(KindId(k));
		p.set(Attr::u32(IFLA_MTU, low));
		f_.step(label(KindId(k), "setlink mtu back"), p, Expect::Accept);
	}
}

// Address edges: zero, multicast, broadcast, short, long, the lower's, a
// sibling's; on newlink and changelink.
void Table::address_edges()
{
	const Link *lower = f_.snapshot().by_index(env_.lower);
	const Link *sibling = nullptr;
	for (const auto &c : f_.children())
		if (c.what == "macvlan bridge")
			sibling = f_.snapshot().by_index(c.ifindex);
	struct A {
		const char *what;
		Bytes addr;
		bool unicast;
	};
	std::vector<A> as = {
		{"zero", Bytes(6, 0), false},
		{"multicast", mac_bytes("01:00:5e:00:00:01"), false},
		{"broadcast", Bytes(6, 0xff), false},
		{"5 bytes", Bytes(5, 2), false},
		{"7 bytes", Bytes(7, 2), false},
		{"32 bytes", Bytes(32, 2), false},
		{"unicast", mac_bytes("02:00:00:00:00:40"), true},
	};
	if (lower && lower->address.size() == 6)
		as.push_back({"the lower's", lower->address, true});
	if (sibling)
		as.push_back({"a macvlan sibling's", sibling->address, true});
	for (const A &a : as) {
		for (int k = 0; k < N_KINDS; k++) {
			KindId kid = KindId(k);
			Expect want = Expect::Any;

			if (!a.unicast && (kid != IPVLAN || a.addr.size() < 6))
				want = Expect::Refuse;
			Request r = create(kid, env_.lower);
			r.set(Attr::raw(IFLA_ADDRESS, a.addr));
			f_.step(label(kid, fmt::format("create address {}", a.what)), r, want);

			Request c = change(kid, {});
			c.set(Attr::raw(IFLA_ADDRESS, a.addr));
			f_.step(label(kid, fmt::format("change address {}", a.what)), c,
				kid == IPVLAN ? Expect::Any : want);
			// Without the kind, no validate: do_setlink takes the first
			// addr_len bytes of a longer one.
			Request p;
			p.ifi.ifi_index = child(kid);
			p.set(Attr::raw(IFLA_ADDRESS, a.addr));
			Expect setlink = a.addr.size() < 6 ? Expect::Refuse
				       : kid == IPVLAN || a.addr.size() > 6 ? Expect::Any : want;
			f_.step(label(kid, fmt::format("setlink address {}", a.what)), p, setlink);
		}
	}
}

// ifi_index and flags: negative, huge, taken; up on create.
void Table::header_edges()
{
	for (int k = 0; k < N_KINDS; k++) {
		KindId kid = KindId(k);
		Request r = create(kid, env_.lower);

		r.ifi.ifi_index = -1;
		f_.step(label(kid, "create ifindex -1"), r, Expect::Refuse, EINVAL);
		r = create(kid, env_.lower);
		r.ifi.ifi_index = 0x7fffffff;
		f_.step(label(kid, "create ifindex 0x7fffffff"), r, Expect::Any);
		r = create(kid, env_.lower);
		r.ifi.ifi_index = env_.lo;
		f_.step(label(kid, "create ifindex of lo"), r, Expect::Refuse, EEXIST);
		r = create(kid, env_.lower);
		r.ifi.ifi_flags = IFF_UP;
		r.ifi.ifi_change = IFF_UP;
		f_.step(label(kid, "create up"), r, Expect::Accept);
		r = create(kid, env_.lower);
		r.flags = NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO;
		f_.step(label(kid, "create with NLM_F_ECHO"), r, Expect::Accept);
		r = create(kid, env_.lower);
		r.flags = 0;
		f_.step(label(kid, "create without NLM_F_CREATE"), r, Expect::Refuse, ENODEV);
		Request c = change(kid, {});
		c.flags = NLM_F_REPLACE;
		f_.step(label(kid, "change with NLM_F_REPLACE"), c, Expect::Refuse, EOPNOTSUPP);
		c = change(KindId((k + 1) % N_KINDS), {});
		c.ifi.ifi_index = child(kid);
		f_.step(label(kid, "change with another kind's data"), c, Expect::Refuse, EOPNOTSUPP);
	}
}

// The caller is root in its own user namespace; these children hang off a
// lower in a netns it has no capability over: what reaches the lower, the
// port or other children must be refused with EPERM.
void Table::foreign()
{
	for (int f : env_.foreign_children) {
		// A copy: every step replaces the snapshot.
		const Link *p = f_.snapshot().by_index(f);

		if (!p || !p->vmux)
			continue;
		const Link copy = *p, *l = &copy;
		std::string who = fmt::format("foreign {} {}", kind_spec(*l->vmux).shortname, l->name);
		auto eperm = [&](const std::string &what, std::vector<Attr> data) {
			f_.step("table " + who + " " + what,
				make_change(kind_spec(*l->vmux).kind, f, std::move(data)),
				Expect::Refuse, EPERM);
		};
		auto ok = [&](const std::string &what, std::vector<Attr> data) {
			f_.step("table " + who + " " + what,
				make_change(kind_spec(*l->vmux).kind, f, std::move(data)),
				Expect::Accept);
		};
		switch (*l->vmux) {
		case MACVLAN:
			eperm("mode source", {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_SOURCE)});
			eperm("macaddr add", {Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_ADD),
					      Attr::raw(IFLA_VMUX_MACVLAN_MACADDR, mac_bytes("02:00:00:00:00:50"))});
			eperm("macaddr flush", {Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE,
							  VMUX_MACVLAN_MACADDR_FLUSH)});
			eperm("flags nodst", {Attr::u16(IFLA_VMUX_MACVLAN_FLAGS, VMUX_MACVLAN_FLAG_NODST)});
			eperm("bcqueuelen", {Attr::u32(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, l->mv_bcq + 1)});
			eperm("bclim", {Attr::s32(IFLA_VMUX_MACVLAN_BC_CUTOFF, l->mv_cutoff + 1)});
			ok("mode private", {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_PRIVATE)});
			ok("mode back", {Attr::u32(IFLA_VMUX_MACVLAN_MODE, l->mv_mode)});
			f_.step("table macvlan on " + who, create(MACVLAN, f), Expect::Refuse, EPERM);
			// Refused before the capability check: the port is not free.
			f_.step("table passthru macvlan on " + who,
				create(MACVLAN, f, {Attr::u32(IFLA_VMUX_MACVLAN_MODE,
							      VMUX_MACVLAN_MODE_PASSTHRU)}),
				Expect::Refuse);
			break;
		case IPVLAN:
			eperm("mode l3s", {Attr::u16(IFLA_VMUX_IPVLAN_MODE, VMUX_IPVLAN_MODE_L3S)});
			eperm("the same mode", {Attr::u16(IFLA_VMUX_IPVLAN_MODE, l->ipv_mode)});
			eperm("flags private", {Attr::u16(IFLA_VMUX_IPVLAN_FLAGS, VMUX_IPVLAN_F_PRIVATE)});
			f_.step("table ipvlan on " + who, create(IPVLAN, f), Expect::Refuse, EPERM);
			f_.step("table ipvlan l3s on " + who,
				create(IPVLAN, f, {Attr::u16(IFLA_VMUX_IPVLAN_MODE, VMUX_IPVLAN_MODE_L3S)}),
				Expect::Refuse, EPERM);
			break;
		case VLAN:
			ok("flags loose_binding", {Attr::pair32(IFLA_VMUX_VLAN_FLAGS, 4, 4)});
			ok("egress QoS", {Attr::nested(IFLA_VMUX_VLAN_EGRESS_QOS, {Attr::pair32(1, 1, 1)})});
			f_.step("table vlan on " + who, create(VLAN, f), Expect::Any);
			break;
		default:
			break;
		}
	}
}

Request setlink(int ifindex, std::uint32_t flags, std::uint32_t change)
{
	Request r;

	r.ifi.ifi_index = ifindex;
	r.ifi.ifi_flags = flags;
	r.ifi.ifi_change = change;
	return r;
}

} // namespace

void run_table(Fuzzer &f)
{
	Table(f).run();
}

void run_rx_flags(Fuzzer &f)
{
	struct Kind {
		const char *what;
		KindId k;
		const char *ref;	// the in-kernel counterpart, same attributes
		std::vector<Attr> data;
	};
	const std::vector<Kind> kinds = {
		{"vmux_vlan", VLAN, "vlan", {Attr::u16(IFLA_VMUX_VLAN_ID, 5)}},
		{"vmux_macvlan bridge", MACVLAN, "macvlan",
		 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_BRIDGE)}},
		{"vmux_macvlan passthru", MACVLAN, "macvlan",
		 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_PASSTHRU)}},
		{"vmux_ipvlan", IPVLAN, "ipvlan",
		 {Attr::u16(IFLA_VMUX_IPVLAN_MODE, VMUX_IPVLAN_MODE_L2)}},
	};
	enum Op { UP, DOWN, ON, OFF };
	struct Seq {
		const char *what;
		std::vector<Op> ops;
	};
	const std::vector<Seq> seqs = {
		{"on while down, up, down, off", {ON, UP, DOWN, OFF}},
		{"up, on, down, off", {UP, ON, DOWN, OFF}},
		{"on while down, up, off while up", {ON, UP, OFF}},
		{"up, on, off, deleted up", {UP, ON, OFF}},
		{"up, on, deleted up", {UP, ON}},
		{"on while down, deleted down", {ON}},
	};
	constexpr std::uint32_t both = IFF_PROMISC | IFF_ALLMULTI;
	static const char *names[] = {"up", "down", "promisc+allmulti on", "promisc+allmulti off"};

	// The sequence with a child of @kind on a fresh dummy; the dummy's
	// rx_state() once the child is gone ("" if no such kind here).
	auto run = [&](const std::string &label, const std::string &kind, const Kind &k,
		       const Seq &q) -> std::string {
		Request d = make_create("dummy", f.fresh_name("nfd"), -1, {});
		d.ifi.ifi_flags = d.ifi.ifi_change = IFF_UP;
		d.find(IFLA_LINKINFO)->children.pop_back();	// no INFO_DATA
		int lower = f.make(label + ": its dummy lower", d);
		if (!lower)
			return "";
		int c = f.make(label, make_create(kind, f.fresh_name("nx"), lower, k.data),
			       kind != "vlan" && kind != "macvlan" && kind != "ipvlan");
		std::string end;
		if (c) {
			for (Op op : q.ops)
				f.step(label + ": " + names[op],
				       setlink(c, op == UP ? std::uint32_t(IFF_UP) : op == ON ? both : 0,
					       op == UP || op == DOWN ? std::uint32_t(IFF_UP) : both),
				       Expect::Accept);
			f.unmake(label, c);
			end = f.rx_state(lower);
		}
		f.unmake(label, lower);
		return end;
	};

	const std::string balanced = "promiscuity 0";
	for (const Kind &k : kinds) {
		for (const Seq &q : seqs) {
			std::string label = fmt::format("rx flags {}: {}", k.what, q.what);
			std::string ours = run(label, std::string(kind_spec(k.k).kind), k, q);
			if (ours.empty() || ours == balanced)
				continue;
			std::string ref = run(label + " (in-kernel " + k.ref + ")", k.ref, k, q);
			if (ours == ref) {
				fmt::print("nlfuzz: rx-flags: NOTE: {}: the lower is left \"{}\", as the "
					   "in-kernel {} leaves it\n", label, ours, k.ref);
				continue;
			}
			f.fail(label, fmt::format("the child is gone, its lower is left \"{}\" (the "
						  "in-kernel {} leaves \"{}\")", ours, k.ref,
						  ref.empty() ? "?: not available" : ref));
		}
	}
}

} // namespace nlfuzz
