// SPDX-License-Identifier: GPL-2.0
//
// Field for field the order, words and spacing of print_linkinfo() in
// iproute2 6.1 ip/ipaddress.c, so that text and JSON match ip's.

#include "print_link.hpp"

#include <algorithm>
#include <linux/if.h>
#include <linux/if_arp.h>

#include "args.hpp"
#include "xdp.hpp"
#include "kinds/kind.hpp"

namespace vmux {
namespace {

// Returns whether the lower is down (ip's "M-DOWN"). brief: "%-16s ".
bool print_name_and_link(Printer &out, const LinkInfo &link, const LinkInfo *lower, bool brief)
{
	std::string name = link.name;
	bool lower_down = false;

	if (link.link && *link.link == 0) {
		out.null(Out::json, "link", "");
		name += "@NONE";
	} else if (link.link && link.link_netnsid) {
		// The lower is in another netns: only its index means something.
		out.print(Out::json, "link_index", "", *link.link);
		name += fmt::format("@if{}", *link.link);
	} else if (link.link) {
		std::string lower_name = lower ? lower->name : fmt::format("if{}", *link.link);

		out.print(Out::json, "link", "", lower_name);
		name += "@" + lower_name;
		lower_down = !lower || !(lower->flags & IFF_UP);
	}
	out.print(Color::ifname, Out::json, "ifname", "", link.name);
	if (brief)
		out.print(Color::ifname, Out::text, "", "{:<16} ", name);
	else
		out.print(Color::ifname, Out::text, "", "{}: ", name);
	return lower_down;
}

void print_flags(Printer &out, unsigned int flags, bool lower_down)
{
	static constexpr struct {
		unsigned int flag;
		std::string_view name;
	} names[] = {
		{IFF_LOOPBACK, "LOOPBACK"}, {IFF_BROADCAST, "BROADCAST"},
		{IFF_POINTOPOINT, "POINTOPOINT"}, {IFF_MULTICAST, "MULTICAST"},
		{IFF_NOARP, "NOARP"}, {IFF_ALLMULTI, "ALLMULTI"}, {IFF_PROMISC, "PROMISC"},
		{IFF_MASTER, "MASTER"}, {IFF_SLAVE, "SLAVE"}, {IFF_DEBUG, "DEBUG"},
		{IFF_DYNAMIC, "DYNAMIC"}, {IFF_AUTOMEDIA, "AUTOMEDIA"}, {IFF_PORTSEL, "PORTSEL"},
		{IFF_NOTRAILERS, "NOTRAILERS"}, {IFF_UP, "UP"}, {IFF_LOWER_UP, "LOWER_UP"},
		{IFF_DORMANT, "DORMANT"}, {IFF_ECHO, "ECHO"},
	};

	out.open_array("flags", "<");
	if ((flags & IFF_UP) && !(flags & IFF_RUNNING)) {
		out.print(Out::any, "", "{}", "NO-CARRIER");
		out.text(",");
	}
	flags &= ~IFF_RUNNING;
	for (const auto &[flag, name] : names) {
		if (!(flags & flag))
			continue;
		flags &= ~flag;
		out.print(Out::any, "", "{}", name);
		if (flags)
			out.text(",");
	}
	if (flags)
		out.print(Out::any, "", "{}", fmt::format("{:x}", flags));
	if (lower_down) {
		out.text(",");
		out.print(Out::any, "", "{}", "M-DOWN");
	}
	out.close_array("> ");
}

void print_operstate(Printer &out, std::uint8_t state, bool brief)
{
	static constexpr std::string_view names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP",
	};
	// oper_state_color()
	Color color = state == IF_OPER_UP ? Color::operstate_up
		      : state == IF_OPER_DOWN ? Color::operstate_down : Color::none;

	if (state >= std::size(names)) {
		out.print(Out::any, "operstate_index", "state {:#x} ", state);
	} else if (brief) {
		out.print(color, Out::any, "operstate", "{:<14} ", names[state]);
	} else {
		out.text("state ");
		out.print(color, Out::any, "operstate", "{} ", names[state]);
	}
}

void print_linkmode(Printer &out, std::uint8_t mode)
{
	static constexpr std::string_view names[] = {"DEFAULT", "DORMANT"};

	if (mode < std::size(names))
		out.print(Out::any, "linkmode", "mode {} ", names[mode]);
	else
		out.print(Out::any, "linkmode_index", "mode {} ", mode);
}

// ll_type_n2a() for the link types a vmux device or its lower can have.
std::string link_type_name(unsigned int type)
{
	switch (type) {
	case ARPHRD_ETHER: return "ether";
	case ARPHRD_LOOPBACK: return "loopback";
	case ARPHRD_INFINIBAND: return "infiniband";
	case ARPHRD_NONE: return "none";
	case ARPHRD_VOID: return "void";
	default: return fmt::format("[{}]", type);
	}
}

void print_addresses(Printer &out, const LinkInfo &link,
		     const std::function<std::optional<std::string>(std::int32_t)> &netns_name)
{
	out.print(Out::any, "link_type", "    link/{} ", link_type_name(link.type));
	if (!link.address.empty())
		out.print(Color::mac, Out::any, "address", "{}", format_lladdr(link.address));
	if (!link.broadcast.empty()) {
		if (link.flags & IFF_POINTOPOINT) {
			out.text(" peer ");
			out.print(Out::json, "link_pointtopoint", "", true);
		} else {
			out.text(" brd ");
		}
		out.print(Color::mac, Out::any, "broadcast", "{}", format_lladdr(link.broadcast));
	}
	if (link.link_netnsid) {
		std::int32_t id = *link.link_netnsid;
		std::optional<std::string> name;

		out.print(Out::json, "link_netnsid", "", id);
		if (id >= 0 && !out.json() && netns_name)
			name = netns_name(id);
		if (name)
			out.print(Out::text, "", " link-netns {}", *name);
		else if (id >= 0)
			out.print(Out::text, "", " link-netnsid {}", id);
		else
			out.text(" link-netnsid unknown");
	}
}

void print_linkinfo(Printer &out, const LinkInfo &link)
{
	const Kind *kind = find_kind(link.kind);

	out.open_object("linkinfo");
	out.nl();
	out.print(Out::any, "info_kind", "    {} ", link.kind);
	if (kind) {
		out.open_object("info_data");
		if (link.info_data)
			print_kind_data(*kind, *link.info_data, out);
		out.close_object();
	}
	out.close_object();
}

void print_addr_gen_mode(Printer &out, std::uint8_t mode)
{
	static constexpr std::string_view names[] = {"eui64", "none", "stable_secret", "random"};

	if (mode < std::size(names))
		out.print(Out::any, "inet6_addr_gen_mode", "addrgenmode {} ", names[mode]);
	else
		out.print(Out::any, "inet6_addr_gen_mode", "addrgenmode {} ",
			  fmt::format("{:#04x}", mode));
}

void print_details(Printer &out, const LinkInfo &link)
{
	const struct {
		const std::optional<std::uint32_t> &value;
		std::string_view key;
		std::string_view text;	// ip's spacing, warts included
	} limits[] = {
		{link.promiscuity, "promiscuity", " promiscuity "},
		{link.allmulti, "allmulti", " allmulti "},
		{link.min_mtu, "min_mtu", "minmtu "},
		{link.max_mtu, "max_mtu", "maxmtu "},
	}, queues[] = {
		{link.num_tx_queues, "num_tx_queues", "numtxqueues "},
		{link.num_rx_queues, "num_rx_queues", "numrxqueues "},
		{link.gso_max_size, "gso_max_size", "gso_max_size "},
		{link.gso_max_segs, "gso_max_segs", "gso_max_segs "},
		{link.tso_max_size, "tso_max_size", "tso_max_size "},
		{link.tso_max_segs, "tso_max_segs", "tso_max_segs "},
		{link.gro_max_size, "gro_max_size", "gro_max_size "},
	};
	auto print_all = [&](const auto &fields) {
		for (const auto &field : fields) {
			if (!field.value)
				continue;
			out.text(field.text);
			out.print(Out::any, field.key, "{} ", *field.value);
		}
	};

	print_all(limits);
	if (!link.kind.empty())
		print_linkinfo(out, link);
	if (link.addr_gen_mode)
		print_addr_gen_mode(out, *link.addr_gen_mode);
	print_all(queues);
}

// ip's size_columns(): a column is as wide as its widest number.
template <std::size_t N>
void size_columns(std::array<std::size_t, N> &cols, const std::array<std::uint64_t, N> &values)
{
	for (std::size_t i = 0; i < N; i++)
		cols[i] = std::max(cols[i], fmt::format("{}", values[i]).size());
}

// print_stats64() of iproute2 6.1, text: -s, and with -s -s the error
// counters' lines too.
void print_stats_text(Printer &out, const rtnl_link_stats64 &s, int level,
		      std::optional<std::uint32_t> carrier_changes)
{
	const bool errors = level > 1;
	const std::uint64_t cc = carrier_changes.value_or(0);
	std::array<std::size_t, 8> cols = {10, 7, 6, 7, 7, 7, 10, 9};

	size_columns(cols, std::array<std::uint64_t, 8>{s.rx_bytes, s.rx_packets, s.rx_errors,
							s.rx_dropped, s.rx_missed_errors, s.multicast,
							s.rx_compressed, 0});
	if (errors)
		size_columns(cols, std::array<std::uint64_t, 8>{0, s.rx_length_errors, s.rx_crc_errors,
								s.rx_frame_errors, s.rx_fifo_errors,
								s.rx_over_errors, s.rx_nohandler,
								s.rx_otherhost_dropped});
	size_columns(cols, std::array<std::uint64_t, 8>{s.tx_bytes, s.tx_packets, s.tx_errors,
							s.tx_dropped, s.tx_carrier_errors, s.collisions,
							s.tx_compressed, 0});
	if (errors)
		size_columns(cols, std::array<std::uint64_t, 8>{0, 0, s.tx_aborted_errors,
								s.tx_fifo_errors, s.tx_window_errors,
								s.tx_heartbeat_errors, cc, 0});

	auto nums = [&](std::initializer_list<std::pair<std::size_t, std::uint64_t>> values) {
		for (auto [col, value] : values)
			out.text(fmt::format("{:>{}} ", value, cols[col]));
	};
	auto header = [&](std::string_view dir, std::string_view c4, std::string_view c5,
			  bool compressed) {
		out.text(fmt::format("    {}: {:>{}} {:>{}} {:>{}} {:>{}} {:>{}} {:>{}} {:>{}}", dir,
				     "bytes", cols[0] - 4, "packets", cols[1], "errors", cols[2],
				     "dropped", cols[3], c4, cols[4], c5, cols[5],
				     compressed ? "compressed" : "", cols[6]));
		out.nl();
		out.text("    ");
	};

	header("RX", "missed", "mcast", s.rx_compressed);
	nums({{0, s.rx_bytes}, {1, s.rx_packets}, {2, s.rx_errors}, {3, s.rx_dropped},
	      {4, s.rx_missed_errors}, {5, s.multicast}});
	if (s.rx_compressed)
		nums({{6, s.rx_compressed}});
	if (errors) {
		out.nl();
		out.text(fmt::format("    RX errors:{:>{}} {:>{}} {:>{}} {:>{}} {:>{}} {:>{}}{:>{}}{:>{}}",
				     "", cols[0] - 10, "length", cols[1], "crc", cols[2], "frame",
				     cols[3], "fifo", cols[4], "overrun", cols[5],
				     s.rx_nohandler ? " nohandler" : "",
				     s.rx_nohandler ? cols[6] + 1 : 0,
				     s.rx_otherhost_dropped ? " otherhost" : "",
				     s.rx_otherhost_dropped ? cols[7] + 1 : 0));
		out.nl();
		out.text(std::string(cols[0] + 5, ' '));
		nums({{1, s.rx_length_errors}, {2, s.rx_crc_errors}, {3, s.rx_frame_errors},
		      {4, s.rx_fifo_errors}, {5, s.rx_over_errors}});
		if (s.rx_nohandler)
			nums({{6, s.rx_nohandler}});
		if (s.rx_otherhost_dropped)
			nums({{7, s.rx_otherhost_dropped}});
	}
	out.nl();
	header("TX", "carrier", "collsns", s.tx_compressed);
	nums({{0, s.tx_bytes}, {1, s.tx_packets}, {2, s.tx_errors}, {3, s.tx_dropped},
	      {4, s.tx_carrier_errors}, {5, s.collisions}});
	if (s.tx_compressed)
		nums({{6, s.tx_compressed}});
	if (errors) {
		out.nl();
		out.text(fmt::format("    TX errors:{:>{}} {:>{}} {:>{}} {:>{}} {:>{}} {:>{}}", "",
				     cols[0] - 10, "aborted", cols[1], "fifo", cols[2], "window",
				     cols[3], "heartbt", cols[4], carrier_changes ? "transns" : "",
				     cols[5]));
		out.nl();
		out.text(std::string(cols[0] + 5, ' '));
		nums({{1, s.tx_aborted_errors}, {2, s.tx_fifo_errors}, {3, s.tx_window_errors},
		      {4, s.tx_heartbeat_errors}});
		if (carrier_changes)
			nums({{5, cc}});
	}
}

void print_stats_json(Printer &out, const rtnl_link_stats64 &s, int level,
		      std::optional<std::uint32_t> carrier_changes)
{
	out.open_object("stats64");
	out.open_object("rx");
	out.print(Out::json, "bytes", "", s.rx_bytes);
	out.print(Out::json, "packets", "", s.rx_packets);
	out.print(Out::json, "errors", "", s.rx_errors);
	out.print(Out::json, "dropped", "", s.rx_dropped);
	out.print(Out::json, "over_errors", "", s.rx_over_errors);
	out.print(Out::json, "multicast", "", s.multicast);
	if (s.rx_compressed)
		out.print(Out::json, "compressed", "", s.rx_compressed);
	if (level > 1) {
		out.print(Out::json, "length_errors", "", s.rx_length_errors);
		out.print(Out::json, "crc_errors", "", s.rx_crc_errors);
		out.print(Out::json, "frame_errors", "", s.rx_frame_errors);
		out.print(Out::json, "fifo_errors", "", s.rx_fifo_errors);
		out.print(Out::json, "missed_errors", "", s.rx_missed_errors);
		if (s.rx_nohandler)
			out.print(Out::json, "nohandler", "", s.rx_nohandler);
		if (s.rx_otherhost_dropped)
			out.print(Out::json, "otherhost", "", s.rx_otherhost_dropped);
	}
	out.close_object();
	out.open_object("tx");
	out.print(Out::json, "bytes", "", s.tx_bytes);
	out.print(Out::json, "packets", "", s.tx_packets);
	out.print(Out::json, "errors", "", s.tx_errors);
	out.print(Out::json, "dropped", "", s.tx_dropped);
	out.print(Out::json, "carrier_errors", "", s.tx_carrier_errors);
	out.print(Out::json, "collisions", "", s.collisions);
	if (s.tx_compressed)
		out.print(Out::json, "compressed", "", s.tx_compressed);
	if (level > 1) {
		out.print(Out::json, "aborted_errors", "", s.tx_aborted_errors);
		out.print(Out::json, "fifo_errors", "", s.tx_fifo_errors);
		out.print(Out::json, "window_errors", "", s.tx_window_errors);
		out.print(Out::json, "heartbeat_errors", "", s.tx_heartbeat_errors);
		if (carrier_changes)
			out.print(Out::json, "carrier_changes", "",
				  static_cast<std::uint64_t>(*carrier_changes));
	}
	out.close_object();
	out.close_object();
}

// vmux's addition: "vmux drops: no_child N ..." / "vmux_drops": {"dev": {..}}.
void print_drops(Printer &out, std::string_view key, std::string_view title,
		 const DropCounters &drops)
{
	out.nl();
	out.text(fmt::format("    {}:", title));
	out.open_object(key);
	for (std::size_t reason = 0; reason < drops.size(); reason++) {
		out.text(fmt::format(" {}", drop_reason_name(reason)));
		out.print(Out::any, drop_reason_name(reason), " {}", drops[reason]);
	}
	out.close_object();
}

void print_statistics(Printer &out, const LinkInfo &link, int level)
{
	if (link.stats64) {
		out.nl();
		if (out.json())
			print_stats_json(out, *link.stats64, level, link.carrier_changes);
		else
			print_stats_text(out, *link.stats64, level, link.carrier_changes);
	}
	if (!link.dev_drops && !link.port_drops)
		return;
	out.open_object("vmux_drops");
	if (link.dev_drops)
		print_drops(out, "dev", "vmux drops", *link.dev_drops);
	if (link.port_drops)
		print_drops(out, "port", "vmux port drops", *link.port_drops);
	out.close_object();
}

// bpf_dump_prog_info(): "prog": {"id", "name", "tag", "jited"} and, with
// details, when it was loaded, by whom, its BTF.
void print_prog(Printer &out, std::uint32_t id, bool details)
{
	out.open_object("prog");
	out.print(Out::any, "id", "id {} ", id);
	if (auto info = bpf_prog_info(id)) {
		out.print(Out::any, "name", "name {} ", info->name);
		out.print(Out::any, "tag", "tag {} ", info->tag);
		out.print(Out::json, "jited", "", static_cast<unsigned int>(info->jited));
		if (info->jited)
			out.text("jited ");
		if (details && info->load_time) {
			out.print(Out::any, "load_time", "load_time {} ", info->load_time);
			out.print(Out::any, "created_by_uid", "created_by_uid {} ",
				  info->created_by_uid);
		}
		if (details && info->btf_id)
			out.print(Out::any, "btf_id", "btf_id {} ", info->btf_id);
	}
	out.close_object();
}

// xdp_dump() of ip/iplink_xdp.c. Beside the MTU: the mode in text
// ("xdpgeneric "), the whole object in JSON. On a line of its own below
// (text only): "prog/xdp id N name ... tag ... jited".
void print_xdp(Printer &out, const XdpInfo &xdp, bool prog_line, bool details)
{
	static constexpr std::string_view modes[] = {"", "xdp", "xdpgeneric", "xdpoffload",
						     "xdpmulti"};
	const struct {
		const std::optional<std::uint32_t> &id;
		std::uint8_t mode;
		std::string_view suffix;
	} progs[] = {
		{xdp.skb_prog_id, XDP_ATTACHED_SKB, "generic"},
		{xdp.drv_prog_id, XDP_ATTACHED_DRV, "drv"},
		{xdp.hw_prog_id, XDP_ATTACHED_HW, "offload"},
	};

	if (xdp.attached == XDP_ATTACHED_NONE)
		return;
	if (out.json()) {
		if (prog_line)
			return;
		out.open_object("xdp");
		out.print(Out::json, "mode", "", static_cast<unsigned int>(xdp.attached));
		if (xdp.prog_id.value_or(0))
			print_prog(out, *xdp.prog_id, details);
		out.open_array("attached");
		bool any = false;
		for (const auto &p : progs) {
			if (!p.id)
				continue;
			any = true;
			out.open_object();
			out.print(Out::json, "mode", "", static_cast<unsigned int>(p.mode));
			print_prog(out, *p.id, details);
			out.close_object();
		}
		if (!any && xdp.prog_id) {
			out.open_object();
			out.print(Out::json, "mode", "", static_cast<unsigned int>(xdp.attached));
			print_prog(out, *xdp.prog_id, details);
			out.close_object();
		}
		out.close_array();
		out.close_object();
		return;
	}
	if (!prog_line) {
		if (xdp.attached < std::size(modes))
			out.text(modes[xdp.attached]);
		else
			out.text(fmt::format("xdp[{}]", xdp.attached));
		out.text(" ");
		return;
	}
	auto line = [&](std::uint32_t id, std::string_view suffix) {
		if (!id)
			return;
		out.nl();
		out.text(fmt::format("    prog/xdp{} ", suffix));
		print_prog(out, id, details);
	};
	line(xdp.prog_id.value_or(0), "");
	if (xdp.attached == XDP_ATTACHED_MULTI)
		for (const auto &p : progs)
			line(p.id.value_or(0), p.suffix);
}

// print_linkinfo_brief() for "ip -br link": name, state, address, flags.
void print_brief(Printer &out, const LinkInfo &link, const LinkInfo *lower)
{
	bool lower_down = print_name_and_link(out, link, lower, true);

	if (link.operstate)
		print_operstate(out, *link.operstate, true);
	if (!link.address.empty())
		out.print(Color::mac, Out::any, "address", "{} ", format_lladdr(link.address));
	print_flags(out, link.flags, lower_down);
	out.nl();
}

} // namespace

void print_link(Printer &out, const LinkInfo &link, const LinkInfo *lower, const ShowOptions &opts)
{
	out.open_object();
	if (opts.event_tags)
		out.text(link.deleted ? "[DEL] " : "[NEW] ");
	if (link.deleted)
		out.print(opts.event_tags ? Out::json : Out::any, "deleted", "Deleted ", true);
	if (opts.brief) {
		print_brief(out, link, lower);
		out.close_object();
		return;
	}
	out.print(Out::any, "ifindex", "{}: ", link.ifindex);
	print_flags(out, link.flags, print_name_and_link(out, link, lower, false));
	if (link.mtu)
		out.print(Out::any, "mtu", "mtu {} ", *link.mtu);
	if (link.xdp)
		print_xdp(out, *link.xdp, false, opts.details);
	if (link.qdisc)
		out.print(Out::any, "qdisc", "qdisc {} ", *link.qdisc);
	if (link.master)
		out.print(Out::any, "master", "master {} ",
			  opts.ifname ? opts.ifname(*link.master) : fmt::format("if{}", *link.master));
	if (link.operstate)
		print_operstate(out, *link.operstate, false);
	if (link.linkmode)
		print_linkmode(out, *link.linkmode);
	if (link.group)
		out.print(Out::any, "group", "group {} ",
			  *link.group ? std::to_string(*link.group) : "default");
	if (link.txqlen && *link.txqlen)
		out.print(Out::any, "txqlen", "qlen {}", *link.txqlen);
	out.nl();
	print_addresses(out, link, opts.netns_name);
	if (link.proto_down && *link.proto_down)
		out.print(Out::any, "proto_down", " protodown on ", true);
	if (opts.details)
		print_details(out, link);
	if (link.ifalias) {
		out.nl();
		out.text("    ");
		out.print(Out::any, "ifalias", "alias {}", *link.ifalias);
	}
	if (link.xdp)
		print_xdp(out, *link.xdp, true, opts.details);
	if (opts.stats)
		print_statistics(out, link, opts.stats);
	out.nl();
	out.close_object();
}

} // namespace vmux
