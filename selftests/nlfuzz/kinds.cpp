// SPDX-License-Identifier: GPL-2.0

#include "kinds.hpp"

#include <array>

#include <linux/if_ether.h>
#include <linux/vmux.h>

namespace nlfuzz {

namespace {

constexpr std::array vlan_attrs{
	AttrSpec{IFLA_VMUX_VLAN_ID, "ID", Shape::U16, 2},
	AttrSpec{IFLA_VMUX_VLAN_FLAGS, "FLAGS", Shape::Binary, sizeof(vmux_vlan_flags)},
	AttrSpec{IFLA_VMUX_VLAN_EGRESS_QOS, "EGRESS_QOS", Shape::Nested,
		 sizeof(vmux_vlan_qos_mapping), IFLA_VMUX_VLAN_QOS_MAPPING},
	AttrSpec{IFLA_VMUX_VLAN_INGRESS_QOS, "INGRESS_QOS", Shape::Nested,
		 sizeof(vmux_vlan_qos_mapping), IFLA_VMUX_VLAN_QOS_MAPPING},
	AttrSpec{IFLA_VMUX_VLAN_PROTOCOL, "PROTOCOL", Shape::BE16, 2},
};

constexpr std::array macvlan_attrs{
	AttrSpec{IFLA_VMUX_MACVLAN_MODE, "MODE", Shape::U32, 4},
	AttrSpec{IFLA_VMUX_MACVLAN_FLAGS, "FLAGS", Shape::U16, 2},
	AttrSpec{IFLA_VMUX_MACVLAN_MACADDR_MODE, "MACADDR_MODE", Shape::U32, 4},
	AttrSpec{IFLA_VMUX_MACVLAN_MACADDR, "MACADDR", Shape::Binary, ETH_ALEN},
	AttrSpec{IFLA_VMUX_MACVLAN_MACADDR_DATA, "MACADDR_DATA", Shape::Nested, ETH_ALEN,
		 IFLA_VMUX_MACVLAN_MACADDR},
	AttrSpec{IFLA_VMUX_MACVLAN_MACADDR_COUNT, "MACADDR_COUNT", Shape::ReadOnly, 4},
	AttrSpec{IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, "BC_QUEUE_LEN", Shape::U32, 4},
	AttrSpec{IFLA_VMUX_MACVLAN_BC_QUEUE_LEN_USED, "BC_QUEUE_LEN_USED", Shape::ReadOnly, 4},
	AttrSpec{IFLA_VMUX_MACVLAN_BC_CUTOFF, "BC_CUTOFF", Shape::S32, 4},
};

constexpr std::array ipvlan_attrs{
	AttrSpec{IFLA_VMUX_IPVLAN_MODE, "MODE", Shape::U16, 2},
	AttrSpec{IFLA_VMUX_IPVLAN_FLAGS, "FLAGS", Shape::U16, 2},
};

const std::array<KindSpec, N_KINDS> kinds{{
	{VMUX_KIND_VLAN, "vlan", IFLA_VMUX_VLAN_MAX, vlan_attrs},
	{VMUX_KIND_MACVLAN, "macvlan", IFLA_VMUX_MACVLAN_MAX, macvlan_attrs},
	{VMUX_KIND_IPVLAN, "ipvlan", IFLA_VMUX_IPVLAN_MAX, ipvlan_attrs},
}};

} // namespace

const AttrSpec *KindSpec::spec(std::uint16_t type) const
{
	for (const AttrSpec &s : attrs)
		if (s.type == type)
			return &s;
	return nullptr;
}

const KindSpec &kind_spec(KindId k)
{
	return kinds[k];
}

const KindSpec *kind_spec(std::string_view kind)
{
	for (const KindSpec &k : kinds)
		if (k.kind == kind)
			return &k;
	return nullptr;
}

Attr good_attr(KindId k, const AttrSpec &s)
{
	switch (k) {
	case VLAN:
		switch (s.type) {
		case IFLA_VMUX_VLAN_ID:
			return Attr::u16(s.type, 5);
		case IFLA_VMUX_VLAN_FLAGS:
			return Attr::pair32(s.type, VMUX_VLAN_FLAG_LOOSE_BINDING,
					    VMUX_VLAN_FLAG_LOOSE_BINDING);
		case IFLA_VMUX_VLAN_EGRESS_QOS:
			return Attr::nested(s.type, {Attr::pair32(s.elem_type, 3, 5)});
		case IFLA_VMUX_VLAN_INGRESS_QOS:
			return Attr::nested(s.type, {Attr::pair32(s.elem_type, 5, 3)});
		case IFLA_VMUX_VLAN_PROTOCOL:
			return Attr::be16(s.type, ETH_P_8021AD);
		}
		break;
	case MACVLAN:
		switch (s.type) {
		case IFLA_VMUX_MACVLAN_MODE:
			return Attr::u32(s.type, VMUX_MACVLAN_MODE_BRIDGE);
		case IFLA_VMUX_MACVLAN_FLAGS:
			return Attr::u16(s.type, 0);
		case IFLA_VMUX_MACVLAN_MACADDR_MODE:
			return Attr::u32(s.type, VMUX_MACVLAN_MACADDR_FLUSH);
		case IFLA_VMUX_MACVLAN_MACADDR:
			return Attr::raw(s.type, mac_bytes("02:5a:00:00:00:01"));
		case IFLA_VMUX_MACVLAN_MACADDR_DATA:
			return Attr::nested(s.type, {Attr::raw(s.elem_type,
							       mac_bytes("02:5a:00:00:00:02"))});
		case IFLA_VMUX_MACVLAN_MACADDR_COUNT:
		case IFLA_VMUX_MACVLAN_BC_QUEUE_LEN_USED:
			return Attr::u32(s.type, 0);
		case IFLA_VMUX_MACVLAN_BC_QUEUE_LEN:
			return Attr::u32(s.type, 500);
		case IFLA_VMUX_MACVLAN_BC_CUTOFF:
			return Attr::s32(s.type, 1);
		}
		break;
	case IPVLAN:
		switch (s.type) {
		case IFLA_VMUX_IPVLAN_MODE:
			return Attr::u16(s.type, VMUX_IPVLAN_MODE_L2);
		case IFLA_VMUX_IPVLAN_FLAGS:
			return Attr::u16(s.type, 0);
		}
		break;
	default:
		break;
	}
	return Attr::raw(s.type, Bytes(s.len, 0));
}

std::vector<Attr> minimal_data(KindId k, std::uint16_t vlan_id)
{
	if (k == VLAN)
		return {Attr::u16(IFLA_VMUX_VLAN_ID, vlan_id)};
	return {};
}

} // namespace nlfuzz
