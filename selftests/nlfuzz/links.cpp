// SPDX-License-Identifier: GPL-2.0

#include "links.hpp"

#include <algorithm>
#include <set>

#include <arpa/inet.h>

#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/vmux.h>

namespace nlfuzz {

namespace {

using Attrs = std::vector<const nlattr *>;

// Every attribute within [p, p + len), each one whole, nothing left over:
// the kernel pads each attribute and includes the padding in its parent.
bool strict_walk(const void *p, std::size_t len, Attrs &out)
{
	const auto *a = static_cast<const nlattr *>(p);
	int rem = int(len);

	out.clear();
	while (mnl_attr_ok(a, rem)) {
		out.push_back(a);
		rem -= MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	return rem == 0;
}

bool strict_nested(const nlattr *nest, Attrs &out)
{
	return strict_walk(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), out);
}

class Checker {
public:
	Checker(Snapshot &s, Link &l) : s_(s), l_(l) {}

	void fail(std::string_view what)
	{
		s_.errors.push_back(fmt::format("dump: {} (ifindex {}): {}", l_.name, l_.ifindex, what));
	}

	// mnl_attr_validate with the exact length; false (and noted) if not.
	bool valid(const nlattr *a, mnl_attr_data_type t, std::string_view what, std::size_t len = 0)
	{
		int rc = len ? mnl_attr_validate2(a, t, len) : mnl_attr_validate(a, t);

		if (rc < 0)
			fail(fmt::format("{} (type {}): bad length {}", what, mnl_attr_get_type(a),
					 mnl_attr_get_payload_len(a)));
		return rc == 0;
	}

	bool nested(const nlattr *a, std::string_view what, Attrs &out)
	{
		if (!valid(a, MNL_TYPE_NESTED, what))
			return false;
		if (!strict_nested(a, out)) {
			fail(fmt::format("{}: nested attributes overrun or leave bytes over", what));
			return false;
		}
		return true;
	}

	void top(const Attrs &attrs);
	void linkinfo(const nlattr *li);
	void xstats(const nlattr *xs);
	void vlan(const Attrs &data);
	void macvlan(const Attrs &data);
	void ipvlan(const Attrs &data);

private:
	Snapshot &s_;
	Link &l_;
};

void Checker::top(const Attrs &attrs)
{
	Attrs sub;

	for (const nlattr *a : attrs) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (valid(a, MNL_TYPE_NUL_STRING, "IFLA_IFNAME"))
				l_.name = mnl_attr_get_str(a);
			break;
		case IFLA_MTU:
			if (valid(a, MNL_TYPE_U32, "IFLA_MTU"))
				l_.mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_LINK:
			if (valid(a, MNL_TYPE_U32, "IFLA_LINK"))
				l_.link = int(mnl_attr_get_u32(a));
			break;
		case IFLA_LINK_NETNSID:
			if (valid(a, MNL_TYPE_U32, "IFLA_LINK_NETNSID"))
				l_.link_netnsid = true;
			break;
		case IFLA_ADDRESS: {
			const auto *p = static_cast<const std::uint8_t *>(mnl_attr_get_payload(a));

			l_.address.assign(p, p + mnl_attr_get_payload_len(a));
			break;
		}
		case IFLA_QDISC:
			valid(a, MNL_TYPE_NUL_STRING, "IFLA_QDISC");
			break;
		case IFLA_PROMISCUITY:
			if (valid(a, MNL_TYPE_U32, "IFLA_PROMISCUITY"))
				l_.promiscuity = mnl_attr_get_u32(a);
			break;
		case IFLA_TXQLEN:
		case IFLA_GROUP:
		case IFLA_NUM_TX_QUEUES:
		case IFLA_NUM_RX_QUEUES:
		case IFLA_MIN_MTU:
		case IFLA_MAX_MTU:
			valid(a, MNL_TYPE_U32, "u32 attribute");
			break;
		case IFLA_OPERSTATE:
		case IFLA_LINKMODE:
		case IFLA_CARRIER:
			valid(a, MNL_TYPE_U8, "u8 attribute");
			break;
		case IFLA_AF_SPEC:
		case IFLA_XDP:
		case IFLA_PROP_LIST:
			nested(a, "nested attribute", sub);
			break;
		case IFLA_LINKINFO:
			linkinfo(a);
			break;
		}
	}
}

void Checker::linkinfo(const nlattr *li)
{
	Attrs info, data;
	const nlattr *data_attr = nullptr, *xstats_attr = nullptr;

	if (!nested(li, "IFLA_LINKINFO", info))
		return;
	for (const nlattr *a : info) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_INFO_KIND:
			if (valid(a, MNL_TYPE_NUL_STRING, "IFLA_INFO_KIND"))
				l_.kind = mnl_attr_get_str(a);
			break;
		case IFLA_INFO_SLAVE_KIND:
			valid(a, MNL_TYPE_NUL_STRING, "IFLA_INFO_SLAVE_KIND");
			break;
		case IFLA_INFO_DATA: {
			const auto *p = static_cast<const std::uint8_t *>(mnl_attr_get_payload(a));

			data_attr = a;
			l_.info_data.assign(p, p + mnl_attr_get_payload_len(a));
			break;
		}
		case IFLA_INFO_XSTATS:
			xstats_attr = a;
			break;
		case IFLA_INFO_SLAVE_DATA:
			nested(a, "IFLA_INFO_SLAVE_DATA", data);
			break;
		}
	}
	const KindSpec *ks = kind_spec(l_.kind);
	if (!ks) {
		if (data_attr)
			nested(data_attr, "IFLA_INFO_DATA", data);
		return;
	}
	l_.vmux = KindId(ks - &kind_spec(VLAN));
	if (!data_attr) {
		fail("no IFLA_INFO_DATA");
		return;
	}
	if (!nested(data_attr, "IFLA_INFO_DATA", data))
		return;
	std::set<std::uint16_t> seen;
	for (const nlattr *a : data) {
		std::uint16_t t = mnl_attr_get_type(a);
		const AttrSpec *spec = ks->spec(t);

		if (!spec) {
			fail(fmt::format("IFLA_INFO_DATA: type {} is not a {} attribute", t, ks->kind));
			return;
		}
		if (!seen.insert(t).second) {
			fail(fmt::format("IFLA_INFO_DATA: {} twice", spec->name));
			return;
		}
		bool ok = true;
		switch (spec->shape) {
		case Shape::U16:
		case Shape::BE16:
			ok = valid(a, MNL_TYPE_U16, spec->name);
			break;
		case Shape::U32:
		case Shape::S32:
		case Shape::ReadOnly:
			ok = valid(a, MNL_TYPE_U32, spec->name);
			break;
		case Shape::Binary:
			ok = valid(a, MNL_TYPE_BINARY, spec->name, spec->len);
			break;
		case Shape::Nested: {
			Attrs entries;

			ok = nested(a, spec->name, entries);
			for (const nlattr *e : entries) {
				if (!ok)
					break;
				if (mnl_attr_get_type(e) != spec->elem_type) {
					fail(fmt::format("{}: entry of type {}", spec->name,
							 mnl_attr_get_type(e)));
					ok = false;
				} else {
					ok = valid(e, MNL_TYPE_BINARY, spec->name, spec->len);
				}
			}
			break;
		}
		}
		if (!ok)
			return;
	}
	switch (*l_.vmux) {
	case VLAN:
		vlan(data);
		break;
	case MACVLAN:
		macvlan(data);
		break;
	default:
		ipvlan(data);
		break;
	}
	if (xstats_attr)
		xstats(xstats_attr);
	else
		fail("no IFLA_INFO_XSTATS");
}

// IFLA_VMUX_XSTATS_DEV and _PORT: a u64 per drop reason, padded with
// IFLA_VMUX_XSTATS_UNSPEC (nla_put_u64_64bit).
void Checker::xstats(const nlattr *xs)
{
	Attrs nests, ctrs;

	if (!nested(xs, "IFLA_INFO_XSTATS", nests))
		return;
	for (const nlattr *n : nests) {
		std::uint16_t t = mnl_attr_get_type(n);

		if (t != IFLA_VMUX_XSTATS_DEV && t != IFLA_VMUX_XSTATS_PORT) {
			fail(fmt::format("IFLA_INFO_XSTATS: type {}", t));
			continue;
		}
		if (!nested(n, "IFLA_VMUX_XSTATS nest", ctrs))
			continue;
		for (const nlattr *c : ctrs) {
			std::uint16_t r = mnl_attr_get_type(c);

			if (r == IFLA_VMUX_XSTATS_UNSPEC) {
				if (mnl_attr_get_payload_len(c))
					fail("xstats pad with a payload");
			} else if (r > VMUX_DROP_MAX + 1)
				fail(fmt::format("xstats: counter type {}", r));
			else
				valid(c, MNL_TYPE_U64, "xstats counter");
		}
	}
}

void Checker::vlan(const Attrs &data)
{
	bool have_id = false;

	for (const nlattr *a : data) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_VMUX_VLAN_ID:
			have_id = true;
			l_.vlan_id = mnl_attr_get_u16(a);
			if (l_.vlan_id >= 4095)
				fail(fmt::format("vlan id {}", l_.vlan_id));
			break;
		case IFLA_VMUX_VLAN_PROTOCOL:
			l_.vlan_proto = ntohs(mnl_attr_get_u16(a));
			if (l_.vlan_proto != ETH_P_8021Q && l_.vlan_proto != ETH_P_8021AD)
				fail(fmt::format("vlan protocol {:#x}", l_.vlan_proto));
			break;
		case IFLA_VMUX_VLAN_FLAGS: {
			const auto *f = static_cast<const vmux_vlan_flags *>(mnl_attr_get_payload(a));

			l_.vlan_flags = f->flags;
			if (f->flags & ~std::uint32_t(VMUX_VLAN_FLAG_REORDER_HDR |
						      VMUX_VLAN_FLAG_LOOSE_BINDING))
				fail(fmt::format("vlan flags {:#x}: unknown or unsupported bits",
						 f->flags));
			break;
		}
		case IFLA_VMUX_VLAN_INGRESS_QOS:
		case IFLA_VMUX_VLAN_EGRESS_QOS: {
			bool ingress = mnl_attr_get_type(a) == IFLA_VMUX_VLAN_INGRESS_QOS;
			std::set<std::uint32_t> from;
			Attrs maps;
			const nlattr *m;

			strict_nested(a, maps);
			for (std::size_t i = 0; i < maps.size(); i++) {
				m = maps[i];
				const auto *q = static_cast<const vmux_vlan_qos_mapping *>(
					mnl_attr_get_payload(m));
				if (!from.insert(q->from).second || !q->to ||
				    (ingress ? q->from > 7 : q->to > 7))
					fail(fmt::format("{} QoS mapping {}:{}",
							 ingress ? "ingress" : "egress", q->from, q->to));
			}
			if (maps.size() > (ingress ? 8u : unsigned(VMUX_VLAN_MAX_EGRESS_QOS)))
				fail(fmt::format("{} mappings", maps.size()));
			break;
		}
		}
	}
	if (!have_id)
		fail("vmux_vlan without IFLA_VMUX_VLAN_ID");
}

void Checker::macvlan(const Attrs &data)
{
	bool have_count = false;
	std::set<Bytes> macs;

	for (const nlattr *a : data) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_VMUX_MACVLAN_MODE:
			l_.mv_mode = mnl_attr_get_u32(a);
			break;
		case IFLA_VMUX_MACVLAN_FLAGS:
			l_.mv_flags = mnl_attr_get_u16(a);
			break;
		case IFLA_VMUX_MACVLAN_MACADDR_COUNT:
			have_count = true;
			l_.mv_count = mnl_attr_get_u32(a);
			break;
		case IFLA_VMUX_MACVLAN_MACADDR_DATA: {
			Attrs entries;

			strict_nested(a, entries);
			for (const nlattr *e : entries) {
				const auto *p = static_cast<const std::uint8_t *>(mnl_attr_get_payload(e));
				Bytes mac(p, p + ETH_ALEN);

				if ((mac[0] & 1) || std::all_of(mac.begin(), mac.end(),
								[](auto c) { return c == 0; }))
					fail(fmt::format("source MAC {} is not unicast", hex(mac)));
				if (!macs.insert(mac).second)
					fail(fmt::format("source MAC {} twice", hex(mac)));
			}
			l_.mv_entries = std::uint32_t(entries.size());
			break;
		}
		case IFLA_VMUX_MACVLAN_BC_QUEUE_LEN:
			l_.mv_bcq = mnl_attr_get_u32(a);
			break;
		case IFLA_VMUX_MACVLAN_BC_QUEUE_LEN_USED:
			l_.mv_bcq_used = mnl_attr_get_u32(a);
			break;
		case IFLA_VMUX_MACVLAN_BC_CUTOFF:
			l_.mv_cutoff = std::int32_t(mnl_attr_get_u32(a));
			break;
		}
	}
	switch (l_.mv_mode) {
	case VMUX_MACVLAN_MODE_PRIVATE:
	case VMUX_MACVLAN_MODE_VEPA:
	case VMUX_MACVLAN_MODE_BRIDGE:
	case VMUX_MACVLAN_MODE_PASSTHRU:
	case VMUX_MACVLAN_MODE_SOURCE:
		break;
	default:
		fail(fmt::format("macvlan mode {}", l_.mv_mode));
	}
	if (l_.mv_flags & ~(VMUX_MACVLAN_FLAG_NOPROMISC | VMUX_MACVLAN_FLAG_NODST))
		fail(fmt::format("macvlan flags {:#x}", l_.mv_flags));
	if (!have_count)
		fail("no IFLA_VMUX_MACVLAN_MACADDR_COUNT");
	if (l_.mv_count != l_.mv_entries)
		fail(fmt::format("macaddr_count {} but {} entries", l_.mv_count, l_.mv_entries));
	if (l_.mv_count > VMUX_MACVLAN_MAX_SOURCES)
		fail(fmt::format("{} source MACs", l_.mv_count));
	if (l_.mv_count && l_.mv_mode != VMUX_MACVLAN_MODE_SOURCE)
		fail("a source MAC list outside mode source");
	if (l_.mv_bcq > VMUX_MACVLAN_MAX_BC_QUEUE_LEN || l_.mv_bcq_used < l_.mv_bcq)
		fail(fmt::format("bcqueuelen {} used {}", l_.mv_bcq, l_.mv_bcq_used));
}

void Checker::ipvlan(const Attrs &data)
{
	for (const nlattr *a : data) {
		if (mnl_attr_get_type(a) == IFLA_VMUX_IPVLAN_MODE)
			l_.ipv_mode = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == IFLA_VMUX_IPVLAN_FLAGS)
			l_.ipv_flags = mnl_attr_get_u16(a);
	}
	if (l_.ipv_mode >= VMUX_IPVLAN_MODE_MAX)
		fail(fmt::format("ipvlan mode {}", l_.ipv_mode));
	if (l_.ipv_flags & ~(VMUX_IPVLAN_F_PRIVATE | VMUX_IPVLAN_F_VEPA) ||
	    l_.ipv_flags == (VMUX_IPVLAN_F_PRIVATE | VMUX_IPVLAN_F_VEPA))
		fail(fmt::format("ipvlan flags {:#x}", l_.ipv_flags));
}

// What holds between devices: the children of one visible lower agree on
// what is the port's, and an MTU stays within the lower's (vlan, macvlan).
void cross_check(Snapshot &s)
{
	std::map<int, std::vector<const Link *>> by_lower;

	for (const auto &[i, l] : s.links)
		if (l.vmux && !l.link_netnsid)
			by_lower[l.link].push_back(&l);
	for (const auto &[lower, kids] : by_lower) {
		const Link *low = s.by_index(lower);
		const Link *ipv = nullptr, *mv = nullptr;
		int passthru = 0;
		std::set<std::pair<int, int>> vids;

		if (!low) {
			s.errors.push_back(fmt::format("dump: {} has lower {}, not in this netns "
						       "and without IFLA_LINK_NETNSID",
						       kids[0]->name, lower));
			continue;
		}
		for (const Link *k : kids) {
			auto err = [&](std::string_view what) {
				s.errors.push_back(fmt::format("dump: {} on {}: {}", k->name, low->name, what));
			};
			// A vlan follows its lower's MTU down to 0; a macvlan (as
			// macvlan does) not below its ETH_MIN_MTU; an ipvlan takes
			// any at creation (as ipvlan).
			if ((*k->vmux == VLAN || (*k->vmux == MACVLAN && low->mtu >= 68)) &&
			    k->mtu > low->mtu)
				err(fmt::format("MTU {} above the lower's {}", k->mtu, low->mtu));
			switch (*k->vmux) {
			case VLAN:
				if (!vids.insert({k->vlan_proto, k->vlan_id}).second)
					err(fmt::format("vlan {:#x}/{} twice on one lower", k->vlan_proto,
							k->vlan_id));
				break;
			case MACVLAN:
				passthru += k->mv_mode == VMUX_MACVLAN_MODE_PASSTHRU;
				if (mv && (mv->mv_bcq_used != k->mv_bcq_used ||
					   mv->mv_cutoff != k->mv_cutoff))
					err(fmt::format("port bcqueuelen/bclim differ from {}'s", mv->name));
				mv = k;
				break;
			default:
				if (ipv && (ipv->ipv_mode != k->ipv_mode || ipv->ipv_flags != k->ipv_flags))
					err(fmt::format("ipvlan mode/flags differ from {}'s", ipv->name));
				ipv = k;
				break;
			}
		}
		if (passthru && kids.size() > 1)
			s.errors.push_back(fmt::format("dump: passthru macvlan on {} has siblings",
						       low->name));
	}
}

} // namespace

const Link *Snapshot::by_index(int ifindex) const
{
	auto it = links.find(ifindex);

	return it == links.end() ? nullptr : &it->second;
}

const Link *Snapshot::by_name(const std::string &name) const
{
	for (const auto &[i, l] : links)
		if (l.name == name)
			return &l;
	return nullptr;
}

Snapshot parse_links(const std::vector<Bytes> &msgs)
{
	Snapshot s;
	Attrs attrs;

	for (const Bytes &m : msgs) {
		const auto *nlh = reinterpret_cast<const nlmsghdr *>(m.data());
		Link l;

		if (nlh->nlmsg_type != RTM_NEWLINK ||
		    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(ifinfomsg))) {
			s.errors.push_back(fmt::format("dump: message type {} length {}",
						       nlh->nlmsg_type, nlh->nlmsg_len));
			continue;
		}
		const auto *ifm = static_cast<const ifinfomsg *>(mnl_nlmsg_get_payload(nlh));
		l.ifindex = ifm->ifi_index;
		l.flags = ifm->ifi_flags;
		Checker c(s, l);
		std::size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(ifinfomsg));
		if (!strict_walk(mnl_nlmsg_get_payload_offset(nlh, sizeof(ifinfomsg)),
				 nlh->nlmsg_len - hdr, attrs))
			c.fail("attributes overrun the message or leave bytes over");
		c.top(attrs);
		if (l.name.empty())
			c.fail("no IFLA_IFNAME");
		if (!s.links.emplace(l.ifindex, std::move(l)).second)
			s.errors.push_back(fmt::format("dump: ifindex {} twice", ifm->ifi_index));
	}
	cross_check(s);
	return s;
}

} // namespace nlfuzz
