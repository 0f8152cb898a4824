// SPDX-License-Identifier: GPL-2.0

#include "mutator.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/vmux.h>

namespace nlfuzz {

namespace {

std::uint64_t splitmix64(std::uint64_t &x)
{
	std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

// Top-level attributes a mutation may produce: they change the new or
// targeted device only (see mutator.hpp); types above IFLA_MAX are ignored.
const std::vector<std::uint16_t> top_safe = {
	IFLA_ADDRESS, IFLA_BROADCAST, IFLA_MTU, IFLA_LINK, IFLA_TXQLEN, IFLA_OPERSTATE,
	IFLA_LINKMODE, IFLA_LINKINFO, IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES, 200, 0x7fff,
};

const std::vector<std::uint32_t> interesting = {
	0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 0x7f, 0x80, 0xff, 0x100, 1023, 1024, 1025,
	4094, 4095, 4096, 0x7fff, 0x8000, 0x8100, 0x88a8, 0xffff, 0x10000, 65536, 65537,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};

const std::vector<std::string> odd_names = {
	"invalid%", "a/b", "..", ".", "sp ace", "nz%d", "%d%d", "x:y",
	"0123456789abcdef", "",
};

Bytes random_unicast(Rng &rng)
{
	Bytes m = rng.bytes(ETH_ALEN);

	m[0] = std::uint8_t((m[0] & 0xfc) | 0x02);	// locally administered unicast
	return m;
}

Attr random_mac_attr(Rng &rng)
{
	return Attr::raw(IFLA_VMUX_MACVLAN_MACADDR, random_unicast(rng));
}

std::vector<Attr> qos_maps(Rng &rng, bool ingress, unsigned n)
{
	std::vector<Attr> v;

	for (unsigned i = 0; i < n; i++)
		v.push_back(Attr::pair32(IFLA_VMUX_VLAN_QOS_MAPPING,
					 ingress ? rng.below(8) : rng.below(16),
					 ingress ? rng.below(16) : rng.below(8)));
	return v;
}

std::vector<Attr> vlan_data(Rng &rng, bool create)
{
	std::vector<Attr> d;

	if (create || rng.chance(20))
		d.push_back(Attr::u16(IFLA_VMUX_VLAN_ID, rng.chance(85)
							 ? std::uint16_t(1 + rng.below(4094))
							 : std::uint16_t(rng.pick(interesting))));
	if (rng.chance(40))
		d.push_back(Attr::be16(IFLA_VMUX_VLAN_PROTOCOL,
				       rng.chance(50) ? ETH_P_8021Q : ETH_P_8021AD));
	if (rng.chance(30)) {
		std::uint32_t bits = rng.chance(80) ? (VMUX_VLAN_FLAG_REORDER_HDR |
						       VMUX_VLAN_FLAG_LOOSE_BINDING)
						    : 0x1f;

		d.push_back(Attr::pair32(IFLA_VMUX_VLAN_FLAGS, std::uint32_t(rng.next()) & bits,
					 std::uint32_t(rng.next()) & bits));
	}
	if (rng.chance(30))
		d.push_back(Attr::nested(IFLA_VMUX_VLAN_EGRESS_QOS, qos_maps(rng, false, 1 + rng.below(4))));
	if (rng.chance(30))
		d.push_back(Attr::nested(IFLA_VMUX_VLAN_INGRESS_QOS, qos_maps(rng, true, 1 + rng.below(4))));
	return d;
}

std::vector<Attr> macvlan_data(Rng &rng, std::uint32_t mode)
{
	std::vector<Attr> d;

	d.push_back(Attr::u32(IFLA_VMUX_MACVLAN_MODE, mode));
	if (mode == VMUX_MACVLAN_MODE_SOURCE) {
		switch (rng.below(4)) {
		case 0:
			d.push_back(Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_ADD));
			d.push_back(random_mac_attr(rng));
			break;
		case 1: {
			std::vector<Attr> macs;

			for (unsigned i = 0, n = 1 + rng.below(4); i < n; i++)
				macs.push_back(random_mac_attr(rng));
			d.push_back(Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_SET));
			d.push_back(Attr::nested(IFLA_VMUX_MACVLAN_MACADDR_DATA, std::move(macs)));
			break;
		}
		case 2:
			d.push_back(Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE,
					      rng.chance(50) ? VMUX_MACVLAN_MACADDR_FLUSH
							     : VMUX_MACVLAN_MACADDR_DEL));
			d.push_back(random_mac_attr(rng));
			break;
		default:
			break;
		}
		if (rng.chance(20))
			d.push_back(Attr::u16(IFLA_VMUX_MACVLAN_FLAGS, VMUX_MACVLAN_FLAG_NODST));
	} else if (mode == VMUX_MACVLAN_MODE_PASSTHRU && rng.chance(30)) {
		d.push_back(Attr::u16(IFLA_VMUX_MACVLAN_FLAGS, VMUX_MACVLAN_FLAG_NOPROMISC));
	}
	if (rng.chance(20))
		d.push_back(Attr::u32(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, rng.below(70000)));
	if (rng.chance(10))
		d.push_back(Attr::s32(IFLA_VMUX_MACVLAN_BC_CUTOFF, std::int32_t(rng.below(6)) - 2));
	return d;
}

std::vector<Attr> ipvlan_data(Rng &rng)
{
	std::vector<Attr> d;

	if (rng.chance(70))
		d.push_back(Attr::u16(IFLA_VMUX_IPVLAN_MODE, std::uint16_t(rng.below(3))));
	if (rng.chance(50))
		d.push_back(Attr::u16(IFLA_VMUX_IPVLAN_FLAGS, std::uint16_t(rng.below(3))));
	return d;
}

const std::vector<std::uint32_t> mv_modes = {
	VMUX_MACVLAN_MODE_PRIVATE, VMUX_MACVLAN_MODE_VEPA, VMUX_MACVLAN_MODE_BRIDGE,
	VMUX_MACVLAN_MODE_PASSTHRU, VMUX_MACVLAN_MODE_SOURCE,
};

// Every attribute a tree mutation may touch: the top level but IFLA_IFNAME
// (names are swapped whole, see mutate_name), and all that is nested.
struct Slot {
	std::vector<Attr> *parent;
	std::size_t idx;
	int depth;		// 0: top level, 1: in IFLA_LINKINFO, 2: in INFO_DATA, ...
	Attr &attr() const { return (*parent)[idx]; }
	// A kind string changed a byte at a time is an unknown kind, and
	// each one costs a request_module() (a modprobe run): +kind only.
	bool is_kind() const { return depth == 1 && attr().kind() == IFLA_INFO_KIND && !attr().nest; }
};

void collect(std::vector<Attr> &v, int depth, std::vector<Slot> &out)
{
	for (std::size_t i = 0; i < v.size(); i++) {
		if (depth == 0 && v[i].kind() == IFLA_IFNAME)
			continue;
		out.push_back({&v, i, depth});
		if (v[i].nest)
			collect(v[i].children, depth + 1, out);
	}
}

// The nests a new attribute may go into: the top level, IFLA_LINKINFO,
// INFO_DATA (the usual), and deeper ones.
std::vector<std::pair<std::vector<Attr> *, int>> parents(Request &r)
{
	std::vector<std::pair<std::vector<Attr> *, int>> out{{&r.attrs, 0}};
	std::vector<Slot> slots;

	collect(r.attrs, 0, slots);
	for (const Slot &s : slots)
		if (s.attr().nest && s.depth < 4)
			out.push_back({&s.attr().children, s.depth + 1});
	return out;
}

std::uint16_t random_type(Rng &rng, int depth)
{
	if (depth == 0)
		return rng.pick(top_safe);
	if (depth == 1) {
		// Not IFLA_INFO_KIND: a payload read as a kind is an unknown
		// kind, a request_module() (+kind does that, rarely).
		std::uint16_t t = std::uint16_t(rng.below(7));

		return t ? std::uint16_t(t + 1) : t;
	}
	if (rng.chance(10))
		return std::uint16_t(rng.next());	// flag bits included
	return std::uint16_t(rng.below(IFLA_VMUX_MACVLAN_MAX + 4));
}

Attr random_attr(Rng &rng, int depth)
{
	static const std::vector<std::size_t> sizes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16};
	Attr a = Attr::raw(random_type(rng, depth), rng.bytes(rng.pick(sizes)));

	if (depth == 0 && a.kind() == IFLA_LINKINFO)
		a.type = 200;	// one LINKINFO is enough: a second one is a retype away
	return a;
}

void overwrite_int(Bytes &p, Rng &rng)
{
	std::uint32_t v = rng.pick(interesting);
	std::size_t w = p.size() >= 4 && rng.chance(50) ? 4 : p.size() >= 2 ? 2 : p.size();

	if (!w)
		return;
	std::size_t off = rng.below(std::uint32_t(p.size() - w + 1));
	std::memcpy(p.data() + off, &v, w);	// little-endian: the low bytes
}

std::string kind_of(const Request &r)
{
	const Attr *li = r.find(IFLA_LINKINFO);
	const Attr *k = li && li->nest ? li->find(IFLA_INFO_KIND) : nullptr;

	if (!k)
		return "?";
	std::string s(k->payload.begin(), k->payload.end());
	return s.substr(0, s.find('\0'));
}

} // namespace

Rng::Rng(std::uint64_t seed)
{
	for (auto &w : s_)
		w = splitmix64(seed);
}

std::uint64_t Rng::next()
{
	std::uint64_t r = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;

	s_[2] ^= s_[0];
	s_[3] ^= s_[1];
	s_[1] ^= s_[2];
	s_[0] ^= s_[3];
	s_[2] ^= t;
	s_[3] = rotl(s_[3], 45);
	return r;
}

std::uint32_t Rng::below(std::uint32_t n)
{
	return std::uint32_t((next() >> 32) * n >> 32);
}

Bytes Rng::bytes(std::size_t n)
{
	Bytes b(n);

	for (auto &c : b)
		c = std::uint8_t(next());
	return b;
}

Request random_template(Rng &rng, const Targets &t, const std::string &fresh_name,
			std::string &desc)
{
	Request r;

	if (!t.children.empty() && rng.chance(45)) {
		const Targets::Child &c = rng.pick(t.children);
		const KindSpec &ks = kind_spec(c.kind);
		std::vector<Attr> d;

		switch (c.kind) {
		case VLAN:
			d = vlan_data(rng, false);
			break;
		case MACVLAN: {
			// Not passthru: no child can enter or leave it.
			std::vector<std::uint32_t> m = {VMUX_MACVLAN_MODE_PRIVATE, VMUX_MACVLAN_MODE_VEPA,
							VMUX_MACVLAN_MODE_BRIDGE, VMUX_MACVLAN_MODE_SOURCE};
			d = macvlan_data(rng, rng.pick(m));
			if (rng.chance(40))
				d.erase(d.begin());	// no MODE: keep the child's
			break;
		}
		default:
			d = ipvlan_data(rng);
			break;
		}
		r = make_change(ks.kind, c.ifindex, std::move(d));
		if (rng.chance(5))
			r.set(Attr::u32(IFLA_MTU, rng.chance(50) ? 68 + rng.below(1500) : rng.pick(interesting)));
		desc = fmt::format("change {}({})", ks.shortname, c.ifindex);
	} else {
		KindId k = KindId(rng.below(N_KINDS));
		int lower = t.lowers.empty() ? 0 : rng.pick(t.lowers);
		std::vector<Attr> d;
		std::string what;

		switch (k) {
		case VLAN:
			d = vlan_data(rng, true);
			break;
		case MACVLAN: {
			std::uint32_t mode = rng.pick(mv_modes);

			// passthru wants a lower without a port.
			if (mode == VMUX_MACVLAN_MODE_PASSTHRU && t.spare && rng.chance(80))
				lower = t.spare;
			d = macvlan_data(rng, mode);
			what = fmt::format(" mode {}", mode);
			break;
		}
		default:
			d = ipvlan_data(rng);
			break;
		}
		std::string name = fresh_name;
		if (rng.chance(4))
			name = rng.pick(odd_names);
		else if (rng.chance(2) && !t.our_names.empty())
			name = rng.pick(t.our_names);
		if (rng.chance(5))
			lower = rng.chance(50) ? int(rng.pick(interesting)) : 0;
		r = make_create(kind_spec(k).kind, name, rng.chance(97) ? lower : -1, std::move(d));
		if (rng.chance(15))
			r.set(Attr::raw(IFLA_ADDRESS, random_unicast(rng)));
		if (rng.chance(8))
			r.set(Attr::u32(IFLA_MTU, rng.chance(50) ? 68 + rng.below(1500) : rng.pick(interesting)));
		if (rng.chance(3) && t.foreign_nsid >= 0)
			r.set(Attr::s32(IFLA_LINK_NETNSID, t.foreign_nsid));
		desc = fmt::format("create {}{} on {}", kind_spec(k).shortname, what, lower);
	}
	if (rng.chance(8)) {
		r.ifi.ifi_flags = IFF_UP;
		r.ifi.ifi_change = rng.chance(50) ? IFF_UP : 0;
		desc += " up";
	}
	return r;
}

void mutate(Request &r, Rng &rng, const Targets &t, std::string &desc)
{
	unsigned n = rng.chance(15) ? 0 : 1 + rng.below(4);

	for (unsigned i = 0; i < n; i++) {
		std::vector<Slot> slots;

		collect(r.attrs, 0, slots);
		unsigned op = rng.below(100);
		if (slots.empty())
			op = 60;	// only inserting makes sense
		const Slot s = slots.empty() ? Slot{} : slots[rng.below(std::uint32_t(slots.size()))];

		if ((op < 37 || (op >= 69 && op < 77)) && !slots.empty() && s.is_kind())
			op = 37;	// retype instead
		if (op < 9) {
			desc += " +bitflip";
			Attr &a = s.attr();
			if (a.nest || a.payload.empty())
				continue;
			a.payload[rng.below(std::uint32_t(a.payload.size()))] ^= std::uint8_t(1 << rng.below(8));
		} else if (op < 19) {
			desc += " +value";
			if (!s.attr().nest)
				overwrite_int(s.attr().payload, rng);
		} else if (op < 26) {
			desc += " +truncate";
			Attr &a = s.attr();
			if (!a.nest && !a.payload.empty())
				a.payload.resize(rng.below(std::uint32_t(a.payload.size())));
			else if (a.nest && !a.children.empty())
				a.children.resize(rng.below(std::uint32_t(a.children.size())));
		} else if (op < 31) {
			desc += " +extend";
			Attr &a = s.attr();
			if (!a.nest) {
				Bytes more = rng.bytes(1 + rng.below(8));
				a.payload.insert(a.payload.end(), more.begin(), more.end());
			}
		} else if (op < 37) {
			desc += " +lenlie";
			// Not at the top level: the kernel would read the bytes
			// after it as headers of any type (IFLA_NET_NS_PID, ...).
			if (s.depth == 0)
				continue;
			Attr &a = s.attr();
			std::uint16_t len = std::uint16_t(4 + (a.nest ? 0 : a.payload.size()));
			a.len_lie = rng.chance(50) ? std::uint16_t(rng.below(len + 16))
						   : std::uint16_t(len + rng.below(5) - 2);
		} else if (op < 45) {
			desc += " +retype";
			Attr &a = s.attr();
			a.type = std::uint16_t((a.type & ~NLA_TYPE_MASK) | random_type(rng, s.depth));
		} else if (op < 49) {
			desc += " +nestflag";
			if (s.depth > 0)
				s.attr().type ^= NLA_F_NESTED;
		} else if (op < 55) {
			desc += " +dup";
			Attr copy = s.attr();
			if (s.depth == 0 && copy.kind() == IFLA_LINKINFO && rng.chance(50))
				continue;
			s.parent->insert(s.parent->begin() + rng.below(std::uint32_t(s.parent->size() + 1)),
					 std::move(copy));
		} else if (op < 59) {
			desc += " +shuffle";
			auto &v = *s.parent;
			for (std::size_t j = v.size(); j > 1; j--)
				std::swap(v[j - 1], v[rng.below(std::uint32_t(j))]);
		} else if (op < 69) {
			desc += " +insert";
			auto ps = parents(r);
			auto [p, depth] = ps[rng.below(std::uint32_t(ps.size()))];
			Attr a = random_attr(rng, depth);
			if (depth >= 2 && rng.chance(50)) {
				// A well-formed attribute of some vmux kind, maybe not this one.
				const KindSpec &ks = kind_spec(KindId(rng.below(N_KINDS)));
				const AttrSpec &sp = ks.attrs[rng.below(std::uint32_t(ks.attrs.size()))];
				a = good_attr(KindId(&ks - &kind_spec(VLAN)), sp);
			}
			p->insert(p->begin() + rng.below(std::uint32_t(p->size() + 1)), std::move(a));
		} else if (op < 73) {
			desc += " +wrap";
			if (s.depth == 0)
				continue;
			Attr inner = s.attr();
			s.attr() = Attr::nested(rng.chance(50) ? inner.kind() : random_type(rng, s.depth),
						{std::move(inner)});
		} else if (op < 77) {
			desc += " +flatten";
			Attr &a = s.attr();
			if (s.depth == 0 && a.kind() == IFLA_LINKINFO)
				continue;
			if (a.nest) {
				// The nest's bytes as an opaque payload.
				Request tmp;
				tmp.attrs = a.children;
				Encoded e = tmp.encode();
				std::size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
				a.payload.assign(e.bytes.begin() + long(hdr), e.bytes.end());
				a.children.clear();
				a.nest = false;
			} else {
				Attr inner = Attr::raw(std::uint16_t(rng.below(8)), a.payload);
				a.nest = true;
				a.payload.clear();
				a.children = {std::move(inner)};
			}
		} else if (op < 83) {
			desc += " +delete";
			if (s.depth == 0 && s.attr().kind() == IFLA_LINKINFO && rng.chance(75))
				continue;
			s.parent->erase(s.parent->begin() + long(s.idx));
		} else if (op < 87) {
			desc += " +nlflags";
			static const std::vector<std::uint16_t> f = {NLM_F_CREATE, NLM_F_EXCL,
								     NLM_F_REPLACE, NLM_F_APPEND,
								     NLM_F_ECHO};
			r.flags ^= rng.pick(f);
		} else if (op < 90) {
			desc += " +ifflags";
			static const std::vector<std::uint32_t> f = {IFF_UP, IFF_PROMISC, IFF_ALLMULTI,
								     IFF_NOARP, IFF_DEBUG, 0xffffffff};
			if (rng.chance(50))
				r.ifi.ifi_flags ^= rng.pick(f);
			else
				r.ifi.ifi_change ^= rng.pick(f);
		} else if (op < 93) {
			desc += " +kind";
			Attr *li = r.find(IFLA_LINKINFO);
			Attr *k = li && li->nest ? li->find(IFLA_INFO_KIND) : nullptr;
			if (!k)
				continue;
			// Another vmux kind mostly; an unknown kind costs a modprobe.
			std::string nk = rng.below(1000) < 995
						 ? std::string(kind_spec(KindId(rng.below(N_KINDS))).kind)
						 : rng.chance(50) ? "vmux_vla" : "";
			*k = Attr::str(IFLA_INFO_KIND, nk);
		} else if (op < 95) {
			desc += " +name";
			std::string name = !t.our_names.empty() && rng.chance(30) ? rng.pick(t.our_names)
										  : rng.pick(odd_names);
			r.set(Attr::str(IFLA_IFNAME, name));
		} else if (op < 97) {
			desc += " +ifindex";
			if (!t.children.empty() && rng.chance(50))
				r.ifi.ifi_index = rng.pick(t.children).ifindex;
			else
				r.ifi.ifi_index = rng.chance(50) ? 0x7ffffff0 : -1;
		} else {
			desc += " +biglist";
			Attr *d = r.info_data();
			if (!d)
				continue;
			unsigned cnt = 1000 + rng.below(100);
			if (kind_of(r) == VMUX_KIND_VLAN) {
				d->children.push_back(Attr::nested(IFLA_VMUX_VLAN_EGRESS_QOS, {}));
				for (unsigned j = 0; j < cnt; j++)
					d->children.back().children.push_back(
						Attr::pair32(IFLA_VMUX_VLAN_QOS_MAPPING, rng.below(1 << 20),
							     1 + rng.below(7)));
			} else {
				std::vector<Attr> macs;
				for (unsigned j = 0; j < cnt; j++)
					macs.push_back(random_mac_attr(rng));
				d->children.push_back(Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE,
								VMUX_MACVLAN_MACADDR_SET));
				d->children.push_back(Attr::nested(IFLA_VMUX_MACVLAN_MACADDR_DATA,
								   std::move(macs)));
			}
		}
	}
}

void flip_bytes(Encoded &enc, Rng &rng, std::string &desc)
{
	std::size_t total = 0;

	for (auto [b, e] : enc.flippable)
		total += e - b;
	if (!total)
		return;
	desc += " +bytes";
	for (unsigned i = 0, n = 1 + rng.below(4); i < n; i++) {
		std::size_t k = rng.below(std::uint32_t(total));

		for (auto [b, e] : enc.flippable) {
			if (k < e - b) {
				enc.bytes[b + k] = rng.chance(50) ? std::uint8_t(rng.next())
								  : std::uint8_t(enc.bytes[b + k] ^ 0xff);
				break;
			}
			k -= e - b;
		}
	}
}

std::optional<Encoded> random_message(Rng &rng, const Targets &t, const std::string &fresh_name,
				      std::string &desc)
{
	Request req = random_template(rng, t, fresh_name, desc);
	Encoded enc;

	mutate(req, rng, t, desc);
	try {
		enc = req.encode();
	} catch (const std::length_error &) {
		return std::nullopt;
	}
	if (rng.chance(10))
		flip_bytes(enc, rng, desc);
	return enc;
}

} // namespace nlfuzz
