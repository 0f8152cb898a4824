// SPDX-License-Identifier: GPL-2.0
//
// ip link's generic keywords (iplink_parse() of iproute2 6.1), one table:
// each row is an Option (keyword, syntax, range, choices: the help, the
// completion and the value checks come from it, as for the kinds' tables)
// plus which commands take it and where its value goes.

#include "link_args.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/core.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "commands.hpp"
#include "context.hpp"
#include "kinds/kind.hpp"
#include "link_info.hpp"
#include "netns.hpp"
#include "xdp.hpp"

namespace vmux {
namespace {

using Op = LinkRequest::Op;

// Which commands take a keyword.
enum Where : unsigned { on_add = 1, on_set = 2, on_both = on_add | on_set };

struct LinkOption;
using ApplyFn = void (*)(const LinkOption &opt, std::string_view keyword, Args &args, LinkArgs &p);

struct LinkOption {
	Option row;
	unsigned where;
	ApplyFn apply;
	bool inverted = false;	// on_off rows: "on" clears the flag (arp, trailers)
	bool abbrev = false;	// may be abbreviated: ip's matches() rather than strcmp()
};

void once(bool given, std::string_view keyword, std::string_view word)
{
	if (given)
		throw duplicate_arg(keyword, word);
}

template <std::integral T>
T number(std::string_view keyword, std::string_view word)
{
	auto value = parse_number<T>(word);

	if (!value)
		throw invalid_arg(word, fmt::format("Invalid \"{}\" value", keyword));
	return *value;
}

void set_name(const LinkOption &, std::string_view keyword, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();

	if (p.req.has_name())
		throw garbage_arg(keyword, word);
	check_ifname("name", word);
	p.req.name(std::string(word));
}

// set: the device to change, as "dev DEV" or the first bare word.
void set_dev(const LinkOption &, std::string_view keyword, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();

	if (!p.dev.empty())
		throw garbage_arg(keyword, word);
	check_ifname("dev", word);
	p.dev = word;
}

void set_lower(const LinkOption &, std::string_view keyword, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();

	once(!p.lower.empty(), keyword, word);
	check_ifname("link", word);
	p.lower = word;
}

void set_master(const LinkOption &, std::string_view keyword, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();

	once(!p.master.empty() || p.req.attrs().has(IFLA_MASTER), keyword, word);
	check_ifname("master", word);
	p.master = word;
}

// vrf NAME: master, refused unless NAME is a VRF (checked once looked up).
void set_vrf(const LinkOption &opt, std::string_view keyword, Args &args, LinkArgs &p)
{
	set_master(opt, keyword, args, p);
	p.master_is_vrf = true;
}

void set_nomaster(const LinkOption &, std::string_view keyword, Args &, LinkArgs &p)
{
	once(!p.master.empty() || p.req.attrs().has(IFLA_MASTER), "master", keyword);
	p.req.attrs().put_value(IFLA_MASTER, std::uint32_t{0});
}

void set_index(const LinkOption &opt, std::string_view keyword, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();
	auto index = parse_number<std::int32_t>(word);

	once(p.index != 0, keyword, word);
	if (!index || *index < opt.row.min)
		throw invalid_arg(word, fmt::format("Invalid \"{}\" value", keyword));
	p.index = static_cast<std::uint32_t>(*index);
	if (p.op == Op::add)
		p.req.ifindex(*index);
	else
		p.req.attrs().put_value(IFLA_NEW_IFINDEX, *index);
}

void set_mtu(const LinkOption &, std::string_view keyword, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();

	once(p.req.has_mtu(), keyword, word);
	p.req.mtu(number<std::uint32_t>(keyword, word));
}

void set_txqlen(const LinkOption &, std::string_view, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();

	once(p.req.has_txqlen(), "txqueuelen", word);
	p.req.txqlen(number<std::uint32_t>("txqueuelen", word));
}

void set_address(const LinkOption &, std::string_view keyword, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();
	auto addr = parse_lladdr(word);

	once(p.req.has_address(), keyword, word);
	if (!addr)
		throw invalid_arg(word, "invalid lladdr");
	p.req.address(std::move(*addr));
}

void set_broadcast(const LinkOption &opt, std::string_view, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();
	auto addr = parse_lladdr(word);

	once(p.req.attrs().has(opt.row.attr), opt.row.keyword, word);
	if (!addr)
		throw invalid_arg(word, "invalid lladdr");
	p.req.attrs().put(opt.row.attr, *addr);
}

void set_state(const LinkOption &, std::string_view keyword, Args &, LinkArgs &p)
{
	once(p.req.has_state(), "up/down", keyword);
	p.req.up(keyword == "up");
}

// KEYWORD { on | off }: an IFF_* flag of ifinfomsg.
void set_flag(const LinkOption &opt, std::string_view, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();
	bool on = choose(opt.row, word).value;

	once(p.req.has_flag(opt.row.bit), opt.row.keyword, word);
	p.req.flag(opt.row.bit, on != opt.inverted);
}

// A row whose value becomes one generic attribute through the row's own
// parser (a number in range, a choice).
void set_attr(const LinkOption &opt, std::string_view keyword, Args &args, LinkArgs &p)
{
	once(p.req.attrs().has(opt.row.attr), opt.row.keyword, args.empty() ? keyword : args.peek());
	opt.row.parse(opt.row, keyword, args, p.req.attrs());
}

// "NUM NAME" lines, '#' comments: iproute2's /etc/iproute2/group and
// protodown_reasons.d. The first file of paths that names word wins.
std::optional<std::uint32_t> name_in_files(std::string_view word,
					   std::initializer_list<std::filesystem::path> paths)
{
	for (const auto &path : paths) {
		std::ifstream in(path);
		std::string line;

		while (std::getline(in, line)) {
			std::istringstream fields(line.substr(0, line.find('#')));
			std::string num, name;

			if (!(fields >> num >> name) || name != word)
				continue;
			if (auto value = parse_number<std::uint32_t>(num))
				return value;
		}
	}
	return std::nullopt;
}

// group GROUP: a number or a name of /etc/iproute2/group (rtnl_group_a2n()).
void parse_group(const Option &row, std::string_view, Args &args, Attrs &data)
{
	std::string_view word = args.next();
	auto group = parse_number<std::uint32_t>(word);

	if (!group)
		group = name_in_files(word, {"/etc/iproute2/group", "/usr/share/iproute2/group"});
	if (!group)
		throw invalid_arg(word, fmt::format("Invalid \"{}\" value", row.keyword));
	data.put_value(row.attr, *group);
}

// alias NAME: IFLA_IFALIAS without its NUL, as ip sends it; "" clears it.
void parse_alias(const Option &row, std::string_view, Args &args, Attrs &data)
{
	constexpr std::size_t ifaliasz = 256;
	std::string_view word = args.next();

	if (word.size() >= ifaliasz)
		throw invalid_arg(word, fmt::format("{} too long, must be under {} bytes", row.keyword,
						    ifaliasz));
	data.put(row.attr, {reinterpret_cast<const std::uint8_t *>(word.data()), word.size()});
}

// KEYWORD { on | off } as a u8 attribute (protodown, carrier).
void parse_on_off_attr(const Option &row, std::string_view, Args &args, Attrs &data)
{
	data.put_value(row.attr, static_cast<std::uint8_t>(choose(row, args.next()).value));
}

// state STATE: an RFC 2863 operational state, any case (get_operstate()).
void parse_operstate(const Option &row, std::string_view, Args &args, Attrs &data)
{
	std::string_view word = args.next();

	for (const Choice &choice : row.choices)
		if (std::ranges::equal(word, choice.name, [](char a, char b) {
			    return std::toupper(static_cast<unsigned char>(a)) == b;
		    })) {
			data.put_value(row.attr, static_cast<std::uint8_t>(choice.value));
			return;
		}
	throw invalid_arg(word, fmt::format("{} {}", row.keyword, accepted(row)));
}

// addrgenmode MODE: IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE } }.
void parse_addrgenmode(const Option &row, std::string_view, Args &args, Attrs &data)
{
	auto mode = static_cast<std::uint8_t>(choose(row, args.next()).value);
	Bytes inet6, af_spec;

	append_attr(inet6, IFLA_INET6_ADDR_GEN_MODE, bytes_of(mode));
	append_attr(af_spec, AF_INET6, inet6);
	data.put_nested(row.attr, std::move(af_spec));
}

// protodown_reason REASON { on | off }: REASON 0-31 or a name of
// /etc/iproute2/protodown_reasons.d/*.conf.
void parse_protodown_reason(const Option &row, std::string_view, Args &args, Attrs &data)
{
	std::string_view word = args.next();
	auto reason = parse_number<std::uint32_t>(word);
	constexpr std::uint32_t max_reason = 31;

	if (!reason) {
		auto files = conf_files("/etc/iproute2/protodown_reasons.d");
		for (const auto &file : files)
			if ((reason = name_in_files(word, {file})))
				break;
	}
	if (!reason || *reason > max_reason)
		throw invalid_arg(word, "invalid protodown reason");

	std::uint32_t mask = 1U << *reason;
	std::string_view state = args.next();
	if (state != "on" && state != "off")
		throw invalid_arg(state, fmt::format("{} must be \"on\" or \"off\"", row.keyword));
	std::uint32_t value = state == "on" ? mask : 0;
	Bytes nest;

	append_attr(nest, IFLA_PROTO_DOWN_REASON_MASK, bytes_of(mask));
	append_attr(nest, IFLA_PROTO_DOWN_REASON_VALUE, bytes_of(value));
	data.put_nested(row.attr, std::move(nest));
}

// netns { PID | NAME }: a number is a process, anything else a name.
void set_netns(const LinkOption &, std::string_view keyword, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();

	once(p.req.has_netns() || !p.netns.empty(), keyword, word);
	if (auto pid = parse_number<std::uint32_t>(word); pid && word.find_first_not_of("0123456789") == word.npos)
		p.req.netns_pid(*pid);
	else
		p.netns = word;
}

void set_link_netns(const LinkOption &, std::string_view, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();

	once(!p.link_netns.empty() || p.req.attrs().has(IFLA_LINK_NETNSID), "link-netns/link-netnsid",
	     word);
	p.link_netns = word;
}

void set_link_netnsid(const LinkOption &opt, std::string_view keyword, Args &args, LinkArgs &p)
{
	once(!p.link_netns.empty() || p.req.attrs().has(IFLA_LINK_NETNSID), "link-netns/link-netnsid",
	     args.empty() ? keyword : args.peek());
	opt.row.parse(opt.row, keyword, args, p.req.attrs());
}

// xdp, xdpgeneric, xdpdrv, xdpoffload { off | none | object FILE
// [ section NAME ] [ verbose ] | pinned FILE } (ip's xdp_parse()).
void set_xdp(const LinkOption &opt, std::string_view keyword, Args &args, LinkArgs &p)
{
	std::string_view word = args.next();
	XdpSpec spec;

	once(p.xdp.has_value(), "xdp", word);
	spec.flags = keyword == "xdpgeneric"   ? XDP_FLAGS_SKB_MODE
		     : keyword == "xdpdrv"     ? XDP_FLAGS_DRV_MODE
		     : keyword == "xdpoffload" ? XDP_FLAGS_HW_MODE
					       : 0;
	if (word == "off" || word == "none") {
		spec.off = true;
	} else if (word == "object" || word == "obj") {
		spec.object = args.next();
		while (!args.empty()) {
			if (args.peek() == "section" || args.peek() == "sec") {
				args.next();
				spec.section = args.next();
			} else if (args.peek() == "verbose" || args.peek() == "verb") {
				args.next();
				spec.verbose = true;
			} else {
				break;
			}
		}
	} else if (word == "pinned") {
		spec.pinned = args.next();
	} else {
		throw invalid_arg(word, fmt::format("{} must be {}", keyword, opt.row.grammar));
	}
	p.xdp = std::move(spec);
}

// type KIND [ ARGS ]: the rest of the line belongs to the kind. Like ip,
// no IFLA_INFO_DATA at all when no ARGS follow.
void set_kind(const LinkOption &, std::string_view, Args &args, LinkArgs &p)
{
	const Kind &kind = kind_named(args.next());
	LinkKind link_kind{std::string(kind.kernel_kind), std::nullopt};

	if (!args.empty())
		link_kind.data = parse_kind_args(kind, args);
	p.req.kind(std::move(link_kind));
}

constexpr Choice addrgen_modes[] = {
	{"eui64", IN6_ADDR_GEN_MODE_EUI64}, {"none", IN6_ADDR_GEN_MODE_NONE},
	{"stable_secret", IN6_ADDR_GEN_MODE_STABLE_PRIVACY}, {"random", IN6_ADDR_GEN_MODE_RANDOM},
};
constexpr Choice link_modes[] = {{"default", IF_LINK_MODE_DEFAULT}, {"dormant", IF_LINK_MODE_DORMANT}};
constexpr Choice oper_states[] = {
	{"UNKNOWN", IF_OPER_UNKNOWN}, {"NOTPRESENT", IF_OPER_NOTPRESENT}, {"DOWN", IF_OPER_DOWN},
	{"LOWERLAYERDOWN", IF_OPER_LOWERLAYERDOWN}, {"TESTING", IF_OPER_TESTING},
	{"DORMANT", IF_OPER_DORMANT}, {"UP", IF_OPER_UP},
};

constexpr std::int64_t u32_max = 0xffffffffLL;
// GSO_MAX_SEGS in the kernel and in ip.
constexpr std::int64_t gso_max_segs = 65535;
// rtnl_create_link()'s bound on either queue count.
constexpr std::int64_t max_queues = 4096;

constexpr LinkOption value_row(std::string_view keyword, std::string_view metavar, unsigned where,
			       ApplyFn apply, bool abbrev = false)
{
	return {{.keyword = keyword, .attr = 0, .syntax = Syntax::value, .metavar = metavar}, where, apply, false,
		abbrev};
}

constexpr LinkOption flag_row(std::string_view keyword, unsigned int bit, bool inverted = false,
			      bool abbrev = false)
{
	return {{.keyword = keyword, .attr = 0, .syntax = Syntax::on_off, .bit = bit}, on_both, set_flag, inverted,
		abbrev};
}

constexpr LinkOption u32_attr(std::string_view keyword, std::uint16_t attr, std::string_view metavar,
			      std::int64_t min, std::int64_t max, unsigned where, bool abbrev = false)
{
	return {{.keyword = keyword, .attr = attr, .syntax = Syntax::value, .metavar = metavar,
		 .min = min, .max = max, .parse = parse_number_attr<std::uint32_t>},
		where, set_attr, false, abbrev};
}

// The words that may follow xdp, for completion.
constexpr Choice xdp_words[] = {{"off", 0}, {"object", 0}, {"pinned", 0}};

constexpr LinkOption xdp_row(std::string_view keyword)
{
	return {{.keyword = keyword, .attr = IFLA_XDP, .syntax = Syntax::value, .metavar = "XDP",
		 .choices = xdp_words,
		 .grammar = "{ off | object FILE [ section NAME ] [ verbose ] | pinned FILE }"},
		on_set, set_xdp};
}

// In the order of ip-link(8)'s synopses; aliases follow their keyword.
constexpr LinkOption options[] = {
	value_row("link", "DEVICE", on_add, set_lower, true),
	value_row("name", "NAME", on_both, set_name),
	value_row("dev", "DEVICE", on_set, set_dev),
	{{.keyword = "index", .attr = 0, .syntax = Syntax::value, .metavar = "IDX", .min = 1}, on_both, set_index},
	{{.keyword = "up", .attr = 0, .syntax = Syntax::keyword}, on_both, set_state},
	{{.keyword = "down", .attr = 0, .syntax = Syntax::keyword}, on_both, set_state},
	value_row("txqueuelen", "PACKETS", on_both, set_txqlen, true),
	value_row("txqlen", "PACKETS", on_both, set_txqlen, true),
	value_row("qlen", "PACKETS", on_both, set_txqlen),
	value_row("address", "LLADDR", on_both, set_address, true),
	{{.keyword = "broadcast", .attr = IFLA_BROADCAST, .syntax = Syntax::value, .metavar = "LLADDR"},
	 on_both, set_broadcast, false, true},
	{{.keyword = "brd", .attr = IFLA_BROADCAST, .syntax = Syntax::value, .metavar = "LLADDR"},
	 on_both, set_broadcast},
	value_row("mtu", "MTU", on_both, set_mtu),
	u32_attr("numtxqueues", IFLA_NUM_TX_QUEUES, "QUEUE_COUNT", 1, max_queues, on_add, true),
	u32_attr("numrxqueues", IFLA_NUM_RX_QUEUES, "QUEUE_COUNT", 1, max_queues, on_add, true),
	u32_attr("gso_max_size", IFLA_GSO_MAX_SIZE, "BYTES", 0, u32_max, on_both),
	u32_attr("gso_max_segs", IFLA_GSO_MAX_SEGS, "SEGMENTS", 0, gso_max_segs, on_both),
	u32_attr("gro_max_size", IFLA_GRO_MAX_SIZE, "BYTES", 0, u32_max, on_both),
	flag_row("arp", IFF_NOARP, true),
	flag_row("dynamic", IFF_DYNAMIC, false, true),
	flag_row("multicast", IFF_MULTICAST),
	flag_row("allmulticast", IFF_ALLMULTI),
	flag_row("promisc", IFF_PROMISC),
	flag_row("trailers", IFF_NOTRAILERS, true),
	{{.keyword = "protodown", .attr = IFLA_PROTO_DOWN, .syntax = Syntax::on_off,
	  .parse = parse_on_off_attr}, on_both, set_attr},
	{{.keyword = "protodown_reason", .attr = IFLA_PROTO_DOWN_REASON, .syntax = Syntax::value,
	  .metavar = "PREASON", .grammar = "{ 0-31 | NAME } { on | off }",
	  .parse = parse_protodown_reason}, on_set, set_attr},
	{{.keyword = "carrier", .attr = IFLA_CARRIER, .syntax = Syntax::on_off,
	  .parse = parse_on_off_attr}, on_set, set_attr},
	{{.keyword = "alias", .attr = IFLA_IFALIAS, .syntax = Syntax::value, .metavar = "ALIAS",
	  .grammar = "a string of under 256 bytes (\"\" clears it)", .parse = parse_alias},
	 on_both, set_attr, false, true},
	{{.keyword = "group", .attr = IFLA_GROUP, .syntax = Syntax::value, .metavar = "GROUP",
	  .grammar = "{ 0-4294967295 | NAME of /etc/iproute2/group }", .parse = parse_group},
	 on_both, set_attr},
	value_row("master", "DEVICE", on_both, set_master, true),
	value_row("vrf", "NAME", on_both, set_vrf),
	{{.keyword = "nomaster", .attr = 0, .syntax = Syntax::keyword}, on_set, set_nomaster, false, true},
	{{.keyword = "addrgenmode", .attr = IFLA_AF_SPEC, .syntax = Syntax::choice,
	  .metavar = "ADDRGENMODE", .choices = addrgen_modes, .parse = parse_addrgenmode},
	 on_both, set_attr, false, true},
	{{.keyword = "mode", .attr = IFLA_LINKMODE, .syntax = Syntax::choice, .metavar = "LINKMODE",
	  .choices = link_modes, .parse = parse_choice_attr<std::uint8_t>}, on_both, set_attr},
	{{.keyword = "state", .attr = IFLA_OPERSTATE, .syntax = Syntax::choice, .metavar = "OPERSTATE",
	  .choices = oper_states, .parse = parse_operstate}, on_both, set_attr},
	xdp_row("xdp"),
	xdp_row("xdpgeneric"),
	xdp_row("xdpdrv"),
	xdp_row("xdpoffload"),
	value_row("netns", "{ PID | NETNSNAME }", on_both, set_netns),
	value_row("link-netns", "NETNSNAME", on_add, set_link_netns, true),
	{{.keyword = "link-netnsid", .attr = IFLA_LINK_NETNSID, .syntax = Syntax::value,
	  .metavar = "NETNSID", .min = 0, .max = 0x7fffffff, .parse = parse_number_attr<std::int32_t>},
	 on_add, set_link_netnsid, false, true},
	value_row("type", "TYPE [ ARGS ]", on_both, set_kind, true),
};

unsigned where_of(Op op)
{
	return op == Op::add ? on_add : on_set;
}

// A keyword in full, or else the first keyword in the table's order that
// the word abbreviates, among those the command takes and ip abbreviates
// too: ip's if-chain of matches(), so "addr" is address and "t"
// txqueuelen, and a device named "p" or "mo" stays a device name.
const LinkOption *find_option(std::string_view word, Op op)
{
	for (const LinkOption &opt : options)
		if (opt.row.keyword == word)
			return &opt;
	for (const LinkOption &opt : options)
		if (opt.abbrev && (opt.where & where_of(op)) && matches(word, opt.row.keyword))
			return &opt;
	return nullptr;
}

} // namespace

LinkArgs parse_link_args(Op op, Args &args)
{
	LinkArgs p(op);
	const unsigned where = where_of(op);

	while (!args.empty()) {
		std::string_view word = args.peek();
		// As ip: "help" where a keyword or a name is due.
		if (word == "help")
			throw HelpRequest(op == Op::add ? link_add_usage() : link_set_usage());
		const LinkOption *opt = find_option(word, op);

		if (!opt) {
			// ip link add [ name ] NAME; ip link set [ dev ] DEV
			if (op == Op::add)
				set_name(options[1], "name", args, p);
			else
				set_dev(options[2], "dev", args, p);
			continue;
		}
		args.next();
		if (!(opt->where & where))
			throw invalid_arg(word, fmt::format("not an option of \"link {}\"",
							    op == Op::add ? "add" : "set"));
		opt->apply(*opt, opt->row.keyword, args, p);
	}

	if (op == Op::add && !p.req.has_kind())
		throw UsageError("Not enough information: \"type\" argument is required");
	if (op == Op::set && p.dev.empty())
		throw UsageError("Not enough information: \"dev\" argument is required.");
	// The kernel reads IFLA_LINK_NETNSID in the target netns, but the id
	// we can find is the one the current netns uses: they differ there.
	if (!p.link_netns.empty() && (p.req.has_netns() || !p.netns.empty()))
		throw invalid_arg(p.link_netns, "\"link-netns\" cannot be combined with \"netns\"");
	// IFLA_NEW_IFINDEX: only with a move, as in ip.
	if (op == Op::set && p.index && !p.req.has_netns() && p.netns.empty())
		throw UsageError("index can be used only when creating devices or when moving device "
				 "to another netns.");
	return p;
}

// IFLA_INFO_KIND of the device at ifindex, "" if none.
static std::string kind_of_link(Context &ctx, int ifindex)
{
	Message msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK);
	ifinfomsg ifi{};
	std::string kind;

	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex;
	msg.append(ifi);
	msg.put_value(IFLA_EXT_MASK, std::uint32_t{RTEXT_FILTER_SKIP_STATS});
	ctx.netlink().request(msg, [&](const nlmsghdr &hdr) {
		if (auto link = parse_link(hdr))
			kind = link->kind;
	});
	return kind;
}

LinkRequest resolve_link_args(Context &ctx, LinkArgs &&p)
{
	if (!p.dev.empty())
		p.req.ifindex(ctx.ifindex(p.dev));
	if (!p.master.empty()) {
		int master = ctx.ifindex(p.master);

		if (p.master_is_vrf && kind_of_link(ctx, master) != "vrf")
			throw invalid_arg(p.master, "Not a valid VRF name");
		p.req.attrs().put_value(IFLA_MASTER, static_cast<std::uint32_t>(master));
	}
	if (p.xdp) {
		const XdpSpec &xdp = *p.xdp;
		XdpProgram prog;

		if (!xdp.pinned.empty())
			prog = xdp_load_pinned(xdp.pinned);
		else if (!xdp.off)
			prog = xdp_load_object(xdp.object, xdp.section,
					       xdp.flags & XDP_FLAGS_HW_MODE ? ctx.ifindex(p.dev) : 0,
					       xdp.verbose);
		// As ip: replace an attached program only with -force.
		std::uint32_t flags = xdp.flags | (ctx.opts.force ? 0 : XDP_FLAGS_UPDATE_IF_NOEXIST);
		p.req.attrs().put_nested(IFLA_XDP, xdp_request_nest(xdp.off ? -1 : prog.fd, flags));
		p.req.keep_alive(std::move(prog.owner));
	}
	if (!p.netns.empty())
		p.req.netns_fd(open_netns(p.netns));
	if (p.link_netns.empty()) {
		if (!p.lower.empty())
			p.req.link(static_cast<std::uint32_t>(ctx.ifindex(p.lower)));
		return std::move(p.req);
	}
	// link-netns NAME: the lower is a device of that netns.
	UniqueFd link_ns = open_netns(p.link_netns);
	p.req.link_netnsid(netns_id(ctx.netlink(), link_ns.get()));
	if (!p.lower.empty())
		p.req.link(static_cast<std::uint32_t>(ifindex_of(p.lower, link_ns.get())));
	return std::move(p.req);
}

// The rows "link add"/"link set" take, aliases left out (they share their
// keyword's line), up/down as one.
static std::vector<const LinkOption *> usage_rows(Op op)
{
	std::vector<const LinkOption *> rows;

	for (const LinkOption &opt : options) {
		std::string_view kw = opt.row.keyword;

		if (!(opt.where & where_of(op)) || kw == "type" || kw == "link" || kw == "name" ||
		    kw == "dev" || kw == "down" || kw == "txqlen" || kw == "qlen" || kw == "brd")
			continue;
		rows.push_back(&opt);
	}
	return rows;
}

std::string link_options_usage(Op op)
{
	std::string out, line;

	for (const LinkOption *opt : usage_rows(op)) {
		std::string item = fmt::format("[ {} ]", opt->row.keyword == "up" ? "{ up | down }"
										 : option_usage(opt->row));
		if (!line.empty() && line.size() + item.size() > 56) {
			out += "\t\t" + line + "\n";
			line.clear();
		}
		line += (line.empty() ? "" : " ") + item;
	}
	return out + "\t\t" + line + "\n";
}

std::string link_options_grammar(Op op)
{
	std::vector<std::string_view> metavars;
	std::string out;

	for (const LinkOption *opt : usage_rows(op)) {
		const Option &row = opt->row;
		bool described = row.syntax == Syntax::choice || !row.grammar.empty() || row.max > row.min;

		if (!described || row.metavar.empty() || std::ranges::find(metavars, row.metavar) != metavars.end())
			continue;
		metavars.push_back(row.metavar);
		out += fmt::format("{} := {}\n", row.metavar, option_grammar(row));
	}
	return out;
}

void parse_group_value(Args &args, Attrs &data)
{
	const LinkOption *group = find_option("group", Op::set);

	group->row.parse(group->row, "group", args, data);
}

std::vector<std::string_view> link_option_words(Op op)
{
	std::vector<std::string_view> words;

	for (const LinkOption &opt : options)
		if (opt.where & where_of(op))
			words.push_back(opt.row.keyword);
	return words;
}

std::vector<std::string_view> link_value_words(std::string_view keyword)
{
	for (const LinkOption &opt : options)
		if (opt.row.keyword == keyword)
			return value_words(opt.row);
	return {};
}

std::vector<std::string_view> link_value_keywords()
{
	std::vector<std::string_view> words;

	for (const LinkOption &opt : options)
		if (takes_value(opt.row))
			words.push_back(opt.row.keyword);
	return words;
}

} // namespace vmux
