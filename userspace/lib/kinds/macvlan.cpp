// SPDX-License-Identifier: GPL-2.0
//
// vmux_macvlan: the options of ip's macvlan (ip/iplink_macvlan.c, bclim of
// iproute2 6.4), printed as `ip -d link show` prints a macvlan.

#include <algorithm>
#include <climits>

#include <linux/if_ether.h>
#include <linux/vmux.h>

#include "kind.hpp"

namespace vmux {
namespace {

constexpr Choice modes[] = {
	{"private", VMUX_MACVLAN_MODE_PRIVATE},
	{"vepa", VMUX_MACVLAN_MODE_VEPA},
	{"bridge", VMUX_MACVLAN_MODE_BRIDGE},
	{"passthru", VMUX_MACVLAN_MODE_PASSTHRU},
	{"source", VMUX_MACVLAN_MODE_SOURCE},
};

constexpr Choice flags[] = {
	{"nopromisc", VMUX_MACVLAN_FLAG_NOPROMISC},
	{"nodst", VMUX_MACVLAN_FLAG_NODST},
	{"null", 0},
};

constexpr Choice macaddr_commands[] = {
	{"add", VMUX_MACVLAN_MACADDR_ADD},
	{"del", VMUX_MACVLAN_MACADDR_DEL},
	{"set", VMUX_MACVLAN_MACADDR_SET},
	{"flush", VMUX_MACVLAN_MACADDR_FLUSH},
};

// FLAGS replaces the device's flags as a whole: every flag keyword of the
// line adds to the one value sent ("flag null" sends 0).
void add_flag(Attrs &data, std::uint16_t attr, std::uint32_t bit)
{
	auto value = data.get<std::uint16_t>(attr).value_or(0);

	data.put_value(attr, static_cast<std::uint16_t>(value | bit));
}

void parse_flag_choice(const Option &row, std::string_view, Args &args, Attrs &data)
{
	add_flag(data, row.attr, choose(row, args.next()).value);
}

void parse_flag_keyword(const Option &row, std::string_view, Args &, Attrs &data)
{
	add_flag(data, row.attr, row.bit);
}

void print_flag_keyword(const Option &row, const Attrs &data, Printer &out, std::span<const Option>)
{
	if (data.get<std::uint16_t>(row.attr).value_or(0) & row.bit)
		print_true(row.keyword, out);
}

Bytes source_mac(std::string_view word)
{
	auto mac = parse_lladdr(word);

	if (!mac || mac->size() != ETH_ALEN)
		throw invalid_arg(word, "invalid MAC address");
	return *mac;
}

// macaddr { add | del } LLADDR | set [ LLADDR ... ] | flush
void parse_macaddr(const Option &row, std::string_view, Args &args, Attrs &data)
{
	const Choice &cmd = choose(row, args.next());

	data.put_value(row.attr, cmd.value);
	switch (cmd.value) {
	case VMUX_MACVLAN_MACADDR_ADD:
	case VMUX_MACVLAN_MACADDR_DEL:
		data.put(IFLA_VMUX_MACVLAN_MACADDR, source_mac(args.next()));
		break;
	case VMUX_MACVLAN_MACADDR_SET: {
		// The list ends at the first word that is no MAC address; an
		// empty list empties the device's.
		Bytes list;
		while (!args.empty()) {
			auto mac = parse_lladdr(args.peek());
			if (!mac || mac->size() != ETH_ALEN)
				break;
			append_attr(list, IFLA_VMUX_MACVLAN_MACADDR, source_mac(args.next()));
		}
		data.put_nested(IFLA_VMUX_MACVLAN_MACADDR_DATA, std::move(list));
		break;
	}
	}
}

// Source mode only: "remotes (N) MAC MAC ".
void print_sources(const Option &, const Attrs &data, Printer &out, std::span<const Option>)
{
	auto mode = data.get<std::uint32_t>(IFLA_VMUX_MACVLAN_MODE);
	auto count = data.get<std::uint32_t>(IFLA_VMUX_MACVLAN_MACADDR_COUNT);
	const Bytes *list = data.find(IFLA_VMUX_MACVLAN_MACADDR_DATA);

	if (mode != VMUX_MACVLAN_MODE_SOURCE || !count)
		return;
	out.print(Out::any, "macaddr_count", "remotes ({}) ", *count);
	if (!list)
		return;
	out.open_array("macaddr_data");
	for_each_attr(*list, [&](std::uint16_t type, ByteView mac) {
		if (type != IFLA_VMUX_MACVLAN_MACADDR || mac.size() < ETH_ALEN)
			return;
		std::string text = format_lladdr(mac.first(ETH_ALEN));
		out.print(Out::json, "", "", text);
		out.text(text + " ");
	});
	out.close_array();
}

// apply: the kernel neither enters nor leaves mode passthru.
Change diff_mode(const Option &row, const Attrs &want, const Attrs &have, Attrs &out)
{
	auto wanted = want.get<std::uint32_t>(row.attr);
	auto present = have.get<std::uint32_t>(row.attr);

	if (!wanted || wanted == present)
		return Change::none;
	if ((wanted == VMUX_MACVLAN_MODE_PASSTHRU) != (present == VMUX_MACVLAN_MODE_PASSTHRU))
		return Change::replace;
	out.copy(want, row.attr);
	return Change::set;
}

// apply: no attribute in a dump is the kernel's default, 1.
Change diff_bclim(const Option &row, const Attrs &want, const Attrs &have, Attrs &out)
{
	auto wanted = want.get<std::int32_t>(row.attr);

	if (!wanted || *wanted == have.get<std::int32_t>(row.attr).value_or(1))
		return Change::none;
	out.copy(want, row.attr);
	return Change::set;
}

std::vector<Bytes> source_list(const Attrs &data)
{
	std::vector<Bytes> macs;

	if (const Bytes *list = data.find(IFLA_VMUX_MACVLAN_MACADDR_DATA))
		for_each_attr(*list, [&](std::uint16_t type, ByteView mac) {
			if (type == IFLA_VMUX_MACVLAN_MACADDR && mac.size() >= ETH_ALEN)
				macs.emplace_back(mac.begin(), mac.begin() + ETH_ALEN);
		});
	std::ranges::sort(macs);
	return macs;
}

// apply: "macaddr set" is the whole list, "flush" an empty one; "add" and
// "del" hold when the address is in the list or is not.
Change diff_macaddr(const Option &row, const Attrs &want, const Attrs &have, Attrs &out)
{
	auto cmd = want.get<std::uint32_t>(row.attr);
	std::vector<Bytes> present = source_list(have);
	bool same = false;

	switch (cmd.value_or(0)) {
	case VMUX_MACVLAN_MACADDR_SET: {
		std::vector<Bytes> wanted = source_list(want);
		// std::unique: clang 15 cannot take libstdc++ 12's ranges::unique.
		wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
		same = wanted == present;
		break;
	}
	case VMUX_MACVLAN_MACADDR_FLUSH:
		same = present.empty();
		break;
	case VMUX_MACVLAN_MACADDR_ADD:
	case VMUX_MACVLAN_MACADDR_DEL: {
		const Bytes *mac = want.find(IFLA_VMUX_MACVLAN_MACADDR);
		bool listed = mac && std::ranges::binary_search(present, *mac);
		same = listed == (*cmd == VMUX_MACVLAN_MACADDR_ADD);
		break;
	}
	}
	if (same)
		return Change::none;
	out.copy(want, row.attr);
	out.copy(want, IFLA_VMUX_MACVLAN_MACADDR);
	out.copy(want, IFLA_VMUX_MACVLAN_MACADDR_DATA);
	return Change::set;
}

// ip's rule: nopromisc only with "mode passthru" on the same line.
void check_nopromisc(Attrs &data)
{
	auto flags = data.get<std::uint16_t>(IFLA_VMUX_MACVLAN_FLAGS).value_or(0);
	auto mode = data.get<std::uint32_t>(IFLA_VMUX_MACVLAN_MODE);

	if ((flags & VMUX_MACVLAN_FLAG_NOPROMISC) && mode != VMUX_MACVLAN_MODE_PASSTHRU)
		throw invalid_arg("nopromisc", "only valid with \"mode passthru\"");
}

// Rows in the order ip prints them.
const Option options[] = {
	{.keyword = "mode", .attr = IFLA_VMUX_MACVLAN_MODE, .syntax = Syntax::choice,
	 .metavar = "MODE", .choices = modes, .fallback = "vepa",
	 .parse = parse_choice_attr<std::uint32_t>, .print = print_choice_attr<std::uint32_t>,
	 .diff = diff_mode},
	{.keyword = "flag", .attr = IFLA_VMUX_MACVLAN_FLAGS, .syntax = Syntax::choice,
	 .metavar = "FLAG", .choices = flags, .fallback = "null", .parse = parse_flag_choice},
	{.keyword = "nopromisc", .attr = IFLA_VMUX_MACVLAN_FLAGS, .syntax = Syntax::keyword,
	 .bit = VMUX_MACVLAN_FLAG_NOPROMISC,
	 .parse = parse_flag_keyword, .print = print_flag_keyword},
	{.keyword = "nodst", .attr = IFLA_VMUX_MACVLAN_FLAGS, .syntax = Syntax::keyword,
	 .bit = VMUX_MACVLAN_FLAG_NODST,
	 .parse = parse_flag_keyword, .print = print_flag_keyword},
	{.keyword = "bcqueuelen", .attr = IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, .syntax = Syntax::value,
	 .metavar = "BC_QUEUE_LEN", .min = 0, .max = VMUX_MACVLAN_MAX_BC_QUEUE_LEN,
	 .fallback = "1000",
	 .parse = parse_number_attr<std::uint32_t>, .print = print_number_attr<std::uint32_t>},
	{.keyword = "usedbcqueuelen", .attr = IFLA_VMUX_MACVLAN_BC_QUEUE_LEN_USED,
	 .syntax = Syntax::status, .print = print_number_attr<std::uint32_t>},
	{.keyword = "bclim", .attr = IFLA_VMUX_MACVLAN_BC_CUTOFF, .syntax = Syntax::value,
	 .metavar = "BCLIM", .min = INT32_MIN, .max = INT32_MAX, .fallback = "1, < 0: no queue",
	 .parse = parse_number_attr<std::int32_t>, .print = print_number_attr<std::int32_t>,
	 .diff = diff_bclim},
	{.keyword = "macaddr", .attr = IFLA_VMUX_MACVLAN_MACADDR_MODE, .syntax = Syntax::value,
	 .metavar = "MACADDR_CMD", .choices = macaddr_commands,
	 .grammar = "{ add | del } LLADDR | set [ LLADDR ... ] | flush  (mode source only)",
	 .parse = parse_macaddr, .print = print_sources, .diff = diff_macaddr},
};

constexpr std::uint16_t keys[] = {IFLA_VMUX_MACVLAN_MODE, IFLA_VMUX_MACVLAN_FLAGS,
				  IFLA_VMUX_MACVLAN_MACADDR_MODE};
constexpr std::uint16_t port_keys[] = {IFLA_VMUX_MACVLAN_BC_CUTOFF};

// passthru takes the lower's address.
bool takes_address(const Attrs &data)
{
	return data.get<std::uint32_t>(IFLA_VMUX_MACVLAN_MODE) != VMUX_MACVLAN_MODE_PASSTHRU;
}

} // namespace

extern const Kind macvlan_kind;
const Kind macvlan_kind = {.name = "macvlan", .kernel_kind = VMUX_KIND_MACVLAN,
			   .options = options, .demux = Demux::mac, .key_attrs = keys,
			   .finish = check_nopromisc, .port_attrs = port_keys, .reparents = true,
			   .takes_address = takes_address};

} // namespace vmux
