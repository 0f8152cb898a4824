// SPDX-License-Identifier: GPL-2.0
//
// vmux_ipvlan: the options of ip's ipvlan (ip/iplink_ipvlan.c), printed as
// `ip -d link show` prints an ipvlan. Mode and flags belong to the port:
// setting them on one device sets them for all on the same lower.

#include <linux/vmux.h>

#include "kind.hpp"

namespace vmux {
namespace {

constexpr Choice modes[] = {
	{"l2", VMUX_IPVLAN_MODE_L2},
	{"l3", VMUX_IPVLAN_MODE_L3},
	{"l3s", VMUX_IPVLAN_MODE_L3S},
};

constexpr Choice flags[] = {
	{"bridge", 0},
	{"private", VMUX_IPVLAN_F_PRIVATE},
	{"vepa", VMUX_IPVLAN_F_VEPA},
};

// ip prints " mode l2 " after the kind's own trailing space: "ipvlan  mode".
void print_mode(const Option &row, const Attrs &data, Printer &out, std::span<const Option> table)
{
	if (data.has(row.attr))
		out.text(" ");
	print_choice_attr<std::uint16_t>(row, data, out, table);
}

// Like ip, one flag word per line: they exclude each other.
void parse_flag(const Option &row, std::string_view keyword, Args &, Attrs &data)
{
	if (data.has(row.attr))
		throw invalid_arg(keyword, fmt::format("only one {} word may be given", row.metavar));
	data.put_value(row.attr, static_cast<std::uint16_t>(choose(row, keyword).value));
}

// One word: the lowest bit set names it, none is "bridge" (ip's order of
// precedence if a kernel ever reported both).
void print_flags(const Option &row, const Attrs &data, Printer &out, std::span<const Option>)
{
	auto value = data.get<std::uint16_t>(row.attr);

	if (value)
		print_true(choice_name(row, *value & (~*value + 1u)), out);
}

// ip sends FLAGS (0: bridge) whenever any ipvlan argument is given.
void default_flags(Attrs &data)
{
	if (!data.has(IFLA_VMUX_IPVLAN_FLAGS))
		data.put_value(IFLA_VMUX_IPVLAN_FLAGS, std::uint16_t{0});
}

const Option options[] = {
	{.keyword = "mode", .attr = IFLA_VMUX_IPVLAN_MODE, .syntax = Syntax::choice,
	 .metavar = "MODE", .choices = modes, .fallback = "l3",
	 .parse = parse_choice_attr<std::uint16_t>, .print = print_mode},
	{.keyword = "flags", .attr = IFLA_VMUX_IPVLAN_FLAGS, .syntax = Syntax::bare_choice,
	 .metavar = "FLAGS", .choices = flags, .fallback = "bridge",
	 .parse = parse_flag, .print = print_flags},
};

constexpr std::uint16_t keys[] = {IFLA_VMUX_IPVLAN_MODE, IFLA_VMUX_IPVLAN_FLAGS};

} // namespace

extern const Kind ipvlan_kind;
const Kind ipvlan_kind = {.name = "ipvlan", .kernel_kind = VMUX_KIND_IPVLAN,
			  .options = options, .demux = Demux::ip, .key_attrs = keys,
			  .finish = default_flags, .port_attrs = keys, .reparents = true,
			  .takes_address = [](const Attrs &) { return false; }};

} // namespace vmux
