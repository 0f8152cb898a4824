// SPDX-License-Identifier: GPL-2.0
//
// vmux_vlan: the options of ip's vlan (ip/iplink_vlan.c), printed as
// `ip -d link show` prints a vlan.

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include <linux/if_ether.h>
#include <linux/vmux.h>

#include "kind.hpp"

namespace vmux {
namespace {

constexpr Choice protocols[] = {
	{"802.1Q", be16(ETH_P_8021Q)},
	{"802.1ad", be16(ETH_P_8021AD)},
};

// ip prints "802.1q" when the kernel sends no protocol: an old kernel.
void print_protocol(const Option &row, const Attrs &data, Printer &out, std::span<const Option>)
{
	auto proto = data.get<std::uint16_t>(row.attr);

	out.print(Out::any, row.keyword, "protocol {} ",
		  proto ? choice_name(row, *proto) : "802.1q");
}

// Each flag row sets its bit in flags and in mask: the kernel changes only
// the bits of mask, so `set` leaves the other flags alone.
void parse_flag(const Option &row, std::string_view, Args &args, Attrs &data)
{
	auto flags = data.get<vmux_vlan_flags>(row.attr).value_or(vmux_vlan_flags{});

	flags.mask |= row.bit;
	if (choose(row, args.next()).value)
		flags.flags |= row.bit;
	else
		flags.flags &= ~row.bit;
	data.put_value(row.attr, flags);
}

std::string upper(std::string_view s)
{
	std::string out(s);

	std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::toupper(c); });
	return out;
}

// <REORDER_HDR,LOOSE_BINDING>: the set flags, named after their rows in
// table order (ip's order), unknown bits in hex. All flag rows share this
// printer; the first one prints.
void print_flags(const Option &row, const Attrs &data, Printer &out, std::span<const Option> table)
{
	auto first = std::ranges::find(table, row.attr, &Option::attr);
	auto flags = data.get<vmux_vlan_flags>(row.attr);

	if (&*first != &row || !flags)
		return;
	std::uint32_t left = flags->flags;
	out.open_array("flags", "<");
	for (const Option &flag : table) {
		if (flag.attr != row.attr || !(left & flag.bit))
			continue;
		left &= ~flag.bit;
		out.print(Out::any, "", "{}", upper(flag.keyword));
		if (left)
			out.text(",");
	}
	if (left)
		out.print(Out::any, "", "{}", fmt::format("{:x}", left));
	out.close_array("> ");
}

// FROM:TO [ FROM:TO ... ]: one IFLA_VMUX_VLAN_QOS_MAPPING each; a repeated
// keyword adds to the same map.
void parse_qos_map(const Option &row, std::string_view, Args &args, Attrs &data)
{
	const Bytes *old = data.find(row.attr);
	Bytes nest = old ? *old : Bytes{};

	do {
		std::string_view word = args.next();
		std::size_t colon = word.find(':');
		vmux_vlan_qos_mapping mapping;
		auto from = parse_number<std::uint32_t>(word.substr(0, colon));
		auto to = colon == word.npos ? std::nullopt
					     : parse_number<std::uint32_t>(word.substr(colon + 1));

		if (!from || !to)
			throw invalid_arg(word, fmt::format("{} must be {}", row.keyword, row.grammar));
		mapping.from = *from;
		mapping.to = *to;
		append_attr(nest, IFLA_VMUX_VLAN_QOS_MAPPING, bytes_of(mapping));
	} while (!args.empty() && args.peek().find(':') != std::string_view::npos);
	data.put_nested(row.attr, std::move(nest));
}

// "ingress-qos-map { 1:2 }" on a line of its own; JSON "ingress_qos".
void print_qos_map(const Option &row, const Attrs &data, Printer &out, std::span<const Option>)
{
	const Bytes *nest = data.find(row.attr);

	if (!nest)
		return;
	std::string_view direction = row.keyword.substr(0, row.keyword.find('-'));
	out.open_array(fmt::format("{}_qos", direction), fmt::format("\n      {} {{ ", row.keyword));
	for_each_attr(*nest, [&](std::uint16_t type, ByteView payload) {
		vmux_vlan_qos_mapping mapping;

		if (type != IFLA_VMUX_VLAN_QOS_MAPPING || payload.size() < sizeof(mapping))
			return;
		std::memcpy(&mapping, payload.data(), sizeof(mapping));
		out.open_object();
		out.print(Out::json, "from", "", mapping.from);
		out.print(Out::json, "to", "", mapping.to);
		out.close_object();
		out.text(fmt::format("{}:{} ", mapping.from, mapping.to));
	});
	out.close_array("} ");
}

// apply: the row's flag as the device has it (no attribute: no flag set).
Change diff_flag(const Option &row, const Attrs &want, const Attrs &have, Attrs &out)
{
	auto wanted = want.get<vmux_vlan_flags>(row.attr);
	auto present = have.get<vmux_vlan_flags>(row.attr).value_or(vmux_vlan_flags{});

	if (!wanted || !(wanted->mask & row.bit) ||
	    (wanted->flags & row.bit) == (present.flags & row.bit))
		return Change::none;
	out.copy(want, row.attr);
	return Change::set;
}

// FROM -> TO of a QoS map nest, the last mapping of a FROM winning, as
// the kernel applies them.
std::map<std::uint32_t, std::uint32_t> qos_entries(const Bytes *nest)
{
	std::map<std::uint32_t, std::uint32_t> map;

	if (nest)
		for_each_attr(*nest, [&](std::uint16_t type, ByteView payload) {
			vmux_vlan_qos_mapping mapping;

			if (type != IFLA_VMUX_VLAN_QOS_MAPPING || payload.size() < sizeof(mapping))
				return;
			std::memcpy(&mapping, payload.data(), sizeof(mapping));
			map[mapping.from] = mapping.to;
		});
	return map;
}

// apply: a declared map is the whole map. The device dumps only the
// mappings to a non-zero priority; one it has that the declaration does
// not name is sent as FROM:0, which removes it.
Change diff_qos_map(const Option &row, const Attrs &want, const Attrs &have, Attrs &out)
{
	auto wanted = qos_entries(want.find(row.attr));
	auto present = qos_entries(have.find(row.attr));
	std::erase_if(wanted, [](const auto &entry) { return entry.second == 0; });
	if (wanted == present)
		return Change::none;

	Bytes nest = *want.find(row.attr);
	for (const auto &[from, to] : present)
		if (!wanted.contains(from)) {
			const vmux_vlan_qos_mapping mapping{.from = from, .to = 0};
			append_attr(nest, IFLA_VMUX_VLAN_QOS_MAPPING, bytes_of(mapping));
		}
	out.put_nested(row.attr, std::move(nest));
	return Change::set;
}

constexpr Option flag(std::string_view keyword, std::uint32_t bit, std::string_view fallback)
{
	return {.keyword = keyword, .attr = IFLA_VMUX_VLAN_FLAGS, .syntax = Syntax::on_off,
		.bit = bit, .fallback = fallback, .parse = parse_flag, .print = print_flags,
		.diff = diff_flag};
}

constexpr Option qos_map(std::string_view keyword, std::uint16_t attr)
{
	return {.keyword = keyword, .attr = attr, .syntax = Syntax::value, .metavar = "QOS-MAP",
		.grammar = "FROM:TO [ FROM:TO ... ]", .parse = parse_qos_map, .print = print_qos_map,
		.diff = diff_qos_map};
}

// Rows in the order ip prints them.
const Option options[] = {
	{.keyword = "protocol", .attr = IFLA_VMUX_VLAN_PROTOCOL, .syntax = Syntax::choice,
	 .metavar = "VLANPROTO", .choices = protocols, .fallback = "802.1Q",
	 .parse = parse_choice_attr<std::uint16_t>, .print = print_protocol, .fixed = true},
	{.keyword = "id", .attr = IFLA_VMUX_VLAN_ID, .syntax = Syntax::value, .metavar = "VLANID",
	 .min = 0, .max = 4094, .required = true,
	 .parse = parse_number_attr<std::uint16_t>, .print = print_number_attr<std::uint16_t>,
	 .fixed = true},
	flag("reorder_hdr", VMUX_VLAN_FLAG_REORDER_HDR, "on"),
	flag("gvrp", VMUX_VLAN_FLAG_GVRP, "off"),
	flag("mvrp", VMUX_VLAN_FLAG_MVRP, "off"),
	flag("loose_binding", VMUX_VLAN_FLAG_LOOSE_BINDING, "off"),
	flag("bridge_binding", VMUX_VLAN_FLAG_BRIDGE_BINDING, "off"),
	qos_map("ingress-qos-map", IFLA_VMUX_VLAN_INGRESS_QOS),
	qos_map("egress-qos-map", IFLA_VMUX_VLAN_EGRESS_QOS),
};

constexpr std::uint16_t keys[] = {IFLA_VMUX_VLAN_PROTOCOL, IFLA_VMUX_VLAN_ID};

} // namespace

extern const Kind vlan_kind;
const Kind vlan_kind = {.name = "vlan", .kernel_kind = VMUX_KIND_VLAN, .options = options,
			.demux = Demux::tag, .key_attrs = keys};

} // namespace vmux
