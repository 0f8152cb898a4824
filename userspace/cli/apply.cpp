// SPDX-License-Identifier: GPL-2.0
//
// vmux apply [ --dry-run ] [ --prune ] [ --wait SECONDS ] { FILE | DIR } ...
//
// A configuration declares vmux devices, one per line, each in the words
// of `vmux link add` (Documentation/configuration.rst). apply reconciles
// the netns with it: it creates what is missing, changes what differs,
// deletes and creates again what the kernel cannot change, and with
// --prune deletes the vmux devices the configuration does not name. Every
// file is read and checked, and the whole plan made, before the first
// request; when nothing differs, nothing is sent.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "commands.hpp"
#include "kinds/kind.hpp"
#include "link_args.hpp"
#include "link_info.hpp"

namespace vmux {
namespace {

using Op = LinkRequest::Op;

// The longest --wait: a day, as a bound on a typo.
constexpr long max_wait = 86400;

// One device of the configuration.
struct Declaration {
	Declaration(std::string file, int line, LinkArgs args)
		: file(std::move(file)), line(line), args(std::move(args))
	{
	}

	std::string file;
	int line;
	LinkArgs args;		// as parsed; resolved only to create
	std::string name;
	const Kind *kind = nullptr;
	// The request as declared (IFLA_LINK and IFLA_MASTER not looked up).
	unsigned int flags = 0, change = 0;
	Attrs attrs;
	Attrs data;

	std::string where() const { return fmt::format("{}:{}", file, line); }
};

// "Error: WHY" of a declaration: "Error: FILE:LINE: WHY".
UsageError at(const Declaration &decl, const std::exception &e)
{
	std::string_view what = e.what();
	constexpr std::string_view prefix = "Error: ";

	if (what.starts_with(prefix))
		what.remove_prefix(prefix.size());
	return UsageError(fmt::format("Error: {}: {}", decl.where(), what));
}

UsageError at(const std::string &file, int line, const std::exception &e)
{
	return at(Declaration(file, line, LinkArgs(Op::add)), e);
}

// The keywords of `link add` a configuration cannot hold: apply keeps the
// devices of one netns, the one it runs in.
void check_declarable(const LinkArgs &p)
{
	if (!p.netns.empty() || p.req.has_netns())
		throw invalid_arg("netns", "a configuration keeps its devices in the netns \"vmux apply\" "
					   "runs in (\"vmux -n NETNS apply\" for another)");
	if (!p.link_netns.empty() || p.req.attrs().has(IFLA_LINK_NETNSID))
		throw invalid_arg("link-netns", "a configuration's lowers are in its own netns");
	if (p.index)
		throw invalid_arg("index", "a configuration cannot keep an ifindex");
	if (p.req.attrs().has(IFLA_OPERSTATE))
		throw invalid_arg("state", "the operational state is the kernel's to keep");
	if (!p.req.has_name())
		throw UsageError("Not enough information: \"name\" argument is required");
	if (p.lower.empty())
		throw UsageError("Not enough information: \"link\" argument is required");
}

// ifinfomsg and attributes of a built RTM_NEWLINK.
struct Decoded {
	ifinfomsg ifi{};
	Attrs attrs;
};

Decoded decode(ByteView msg)
{
	constexpr std::size_t fixed = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
	Decoded out;

	if (msg.size() < fixed)
		return out;
	std::memcpy(&out.ifi, msg.data() + NLMSG_HDRLEN, sizeof(out.ifi));
	out.attrs = Attrs::decode(msg.subspan(fixed));
	return out;
}

void read_file(const std::filesystem::path &path, std::vector<Declaration> &decls)
{
	std::ifstream in(path);
	std::string command;
	int lineno = 0;
	std::error_code ec;

	if (std::filesystem::is_directory(path, ec))
		throw std::runtime_error(fmt::format("Cannot read \"{}\": a directory", path.string()));
	if (!in)
		throw std::runtime_error(fmt::format("Cannot open file \"{}\" for reading: {}", path.string(),
						     std::strerror(errno)));
	while (int lines = read_command(in, command)) {
		int first = lineno + 1;

		lineno += lines;
		try {
			std::vector<std::string> words = split_words(command);
			if (words.empty())
				continue;
			if (words.size() >= 2 && words[0] == "link" && words[1] == "add")
				throw invalid_arg("add", "a declaration is what follows \"vmux link add\": "
							 "leave out \"link add\"");
			Args args(words);
			LinkArgs p = parse_link_args(Op::add, args);
			check_declarable(p);
			decls.emplace_back(path.string(), first, std::move(p));
		} catch (const HelpRequest &) {
			throw at(path.string(), first, invalid_arg("help", "not a declaration"));
		} catch (const std::exception &e) {
			throw at(path.string(), first, e);
		}
	}
}

// The lower whose port a declared device joins: a macvlan or ipvlan on a
// declared device of its own kind joins that one's lower.
std::string port_lower(const std::vector<Declaration> &decls, const Declaration &decl)
{
	std::string lower = decl.args.lower;

	for (std::size_t hops = 0; decl.kind->reparents && hops < decls.size(); hops++) {
		auto it = std::ranges::find(decls, lower, &Declaration::name);
		if (it == decls.end() || it->kind != decl.kind)
			break;
		lower = it->args.lower;
	}
	return lower;
}

// What a lower's port keeps for all devices of a kind (ipvlan's mode and
// flags, macvlan's bclim) is declared once: two lines that differ would
// undo each other at every run.
void check_port_attrs(const std::vector<Declaration> &decls)
{
	std::map<std::tuple<std::string, const Kind *, std::uint16_t>, const Declaration *> first;

	for (const Declaration &decl : decls) {
		for (std::uint16_t attr : decl.kind->port_attrs) {
			const Bytes *value = decl.data.find(attr);
			if (!value)
				continue;
			std::string lower = port_lower(decls, decl);
			auto [it, fresh] = first.emplace(std::tuple{lower, decl.kind, attr}, &decl);
			if (fresh || *it->second->data.find(attr) == *value)
				continue;
			auto row = std::ranges::find(decl.kind->options, attr, &Option::attr);
			throw at(decl, invalid_arg(row->keyword,
						   fmt::format("one value for every {} on {}, and {} gives another",
							       decl.kind->name, lower, it->second->where())));
		}
	}
}

std::vector<Declaration> read_configuration(const std::vector<std::string> &paths)
{
	std::vector<Declaration> decls;

	for (const std::string &path : paths) {
		std::error_code ec;

		if (!std::filesystem::is_directory(path, ec)) {
			read_file(path, decls);
			continue;
		}
		for (const auto &file : conf_files(path, true))
			read_file(file, decls);
	}

	std::map<std::string, const Declaration *> names;
	for (Declaration &decl : decls) {
		Decoded built = decode(decl.args.req.build().bytes());
		const Attrs linkinfo = Attrs::decode(*built.attrs.find(IFLA_LINKINFO));

		decl.name = *built.attrs.get_string(IFLA_IFNAME);
		decl.kind = find_kind(*linkinfo.get_string(IFLA_INFO_KIND));
		decl.flags = built.ifi.ifi_flags;
		decl.change = built.ifi.ifi_change;
		decl.attrs = std::move(built.attrs);
		if (const Bytes *data = linkinfo.find(IFLA_INFO_DATA))
			decl.data = Attrs::decode(*data);
		auto [first, fresh] = names.emplace(decl.name, &decl);
		if (!fresh)
			throw at(decl, invalid_arg(decl.name, fmt::format("device declared twice, first at {}",
									  first->second->where())));
		// It would differ at every run: the kernel gives it another.
		if (decl.attrs.has(IFLA_ADDRESS) && decl.kind->takes_address &&
		    !decl.kind->takes_address(decl.data))
			throw at(decl, invalid_arg("address", fmt::format("this {} takes its lower's address",
									  decl.kind->name)));
	}
	check_port_attrs(decls);
	return decls;
}

// The netns now: every link by name, with its raw attributes.
struct Device {
	LinkInfo info;
	Attrs attrs;
};

std::map<std::string, Device> current_devices(Context &ctx)
{
	std::map<std::string, Device> devices;

	for (const Bytes &reply : ctx.netlink().dump(link_dump_request(false))) {
		const auto &hdr = *reinterpret_cast<const nlmsghdr *>(reply.data());
		auto link = parse_link(hdr);

		if (!link)
			continue;
		Attrs attrs = decode(reply).attrs;
		std::string name = link->name;
		devices.insert_or_assign(std::move(name), Device{std::move(*link), std::move(attrs)});
	}
	return devices;
}

const Device *find_index(const std::map<std::string, Device> &devices, std::uint32_t index)
{
	for (const auto &[name, dev] : devices)
		if (static_cast<std::uint32_t>(dev.info.ifindex) == index)
			return &dev;
	return nullptr;
}

// Lowers first: a declaration after the one that declares its lower.
// A loop is refused at the declaration that closes it.
std::vector<Declaration *> in_creation_order(std::vector<Declaration> &decls)
{
	std::map<std::string, Declaration *> by_name;
	std::vector<Declaration *> order;
	std::set<const Declaration *> placed, visiting;

	for (Declaration &decl : decls)
		by_name[decl.name] = &decl;
	auto place = [&](auto &self, Declaration *decl) -> void {
		if (placed.contains(decl))
			return;
		if (!visiting.insert(decl).second)
			throw at(*decl, invalid_arg(decl->args.lower, "the devices' lowers make a loop"));
		if (auto lower = by_name.find(decl->args.lower); lower != by_name.end())
			self(self, lower->second);
		visiting.erase(decl);
		placed.insert(decl);
		order.push_back(decl);
	};
	for (Declaration &decl : decls)
		place(place, &decl);
	return order;
}

// The generic attributes a declaration may name, as the device reports them.
struct GenericRow {
	std::uint16_t attr;
	std::string_view keyword;
	bool fixed;	// set only on create
};

constexpr GenericRow generic_rows[] = {
	{IFLA_ADDRESS, "address", false},
	{IFLA_BROADCAST, "broadcast", false},
	{IFLA_MTU, "mtu", false},
	{IFLA_TXQLEN, "txqueuelen", false},
	{IFLA_LINKMODE, "mode", false},
	{IFLA_GROUP, "group", false},
	{IFLA_PROTO_DOWN, "protodown", false},
	{IFLA_GSO_MAX_SIZE, "gso_max_size", false},
	{IFLA_GSO_MAX_SEGS, "gso_max_segs", false},
	{IFLA_GRO_MAX_SIZE, "gro_max_size", false},
	{IFLA_NUM_TX_QUEUES, "numtxqueues", true},
	{IFLA_NUM_RX_QUEUES, "numrxqueues", true},
};

struct FlagRow {
	unsigned int bit;
	std::string_view keyword;
};

constexpr FlagRow flag_rows[] = {
	{IFF_UP, "up"},		 {IFF_NOARP, "arp"},	       {IFF_DYNAMIC, "dynamic"},
	{IFF_MULTICAST, "multicast"}, {IFF_ALLMULTI, "allmulticast"}, {IFF_PROMISC, "promisc"},
	{IFF_NOTRAILERS, "trailers"},
};

enum class Action { none, add, set, replace, del };

std::string_view action_name(Action action)
{
	switch (action) {
	case Action::add:
		return "add";
	case Action::set:
		return "set";
	case Action::replace:
		return "replace";
	case Action::del:
		return "delete";
	default:
		return "none";
	}
}

struct Step {
	Action action = Action::none;
	Declaration *decl = nullptr;	// null: a device the configuration does not name
	std::string why;		// then why it goes
	bool by_kernel = false;		// deleted with its lower, not by apply
	std::string name;
	int ifindex = 0;		// set, replace, delete: the device now
	std::vector<std::string_view> changes;	// the keywords that differ
	LinkRequest set{Op::set};	// Action::set: what is sent
	std::optional<std::uint32_t> master;	// looked up
};

class Planner {
public:
	explicit Planner(std::map<std::string, Device> devices) : devices_(std::move(devices)) {}

	Step plan(Declaration &decl)
	{
		Step step;

		step.decl = &decl;
		step.name = decl.name;
		check_lower(decl);
		if (!decl.args.master.empty())
			step.master = master_index(decl);

		auto it = devices_.find(decl.name);
		if (it == devices_.end()) {
			step.action = Action::add;
			return remember(step);
		}
		const Device &dev = it->second;
		step.ifindex = dev.info.ifindex;
		if (!dev.info.is_vmux())
			throw at(decl, invalid_arg(decl.name, fmt::format("a device of that name exists and is no vmux "
									  "device (type {}): vmux apply leaves it alone",
									  dev.info.kind.empty() ? "none" : dev.info.kind)));
		if (dev.info.kind != decl.kind->kernel_kind)
			return replace(step, "type");
		if (auto lower = planned_.find(decl.args.lower);
		    lower != planned_.end() && (lower->second == Action::add || lower->second == Action::replace))
			return replace(step, "link");
		if (dev.info.link != expected_link(decl) || dev.info.link_netnsid)
			return replace(step, "link");

		Attrs want_generic, want_data;
		bool fixed = false;
		for (const GenericRow &row : generic_rows) {
			Change change = diff_bytes({.keyword = row.keyword, .attr = row.attr, .syntax = Syntax::value,
						    .fixed = row.fixed},
						   decl.attrs, dev.attrs, want_generic);
			if (change == Change::none)
				continue;
			step.changes.push_back(row.keyword);
			fixed |= change == Change::replace;
		}
		if (auto alias = decl.attrs.find(IFLA_IFALIAS)) {
			if (std::string(alias->begin(), alias->end()) != dev.info.ifalias.value_or("")) {
				want_generic.copy(decl.attrs, IFLA_IFALIAS);
				step.changes.push_back("alias");
			}
		}
		if (decl.attrs.has(IFLA_AF_SPEC) && addr_gen_mode(decl.attrs) != dev.info.addr_gen_mode) {
			want_generic.copy(decl.attrs, IFLA_AF_SPEC);
			step.changes.push_back("addrgenmode");
		}
		if (step.master && dev.info.master != step.master) {
			want_generic.put_value(IFLA_MASTER, *step.master);
			step.changes.push_back(decl.args.master_is_vrf ? "vrf" : "master");
		}
		for (const FlagRow &row : flag_rows) {
			if (!(decl.change & row.bit) || (decl.flags & row.bit) == (dev.info.flags & row.bit))
				continue;
			step.set.flag(row.bit, decl.flags & row.bit);
			step.changes.push_back(row.bit == IFF_UP && !(decl.flags & IFF_UP) ? "down" : row.keyword);
		}
		KindDiff kind = diff_kind_data(*decl.kind, decl.data, dev.info.info_data.value_or(Attrs{}));
		step.changes.insert(step.changes.end(), kind.keywords.begin(), kind.keywords.end());
		if (fixed || kind.change == Change::replace)
			return replace(step, {});
		if (step.changes.empty())
			return remember(step);

		step.action = Action::set;
		step.set.ifindex(dev.info.ifindex);
		for (const auto &[type, attr] : want_generic)
			step.set.attrs().copy(want_generic, type);
		if (!kind.data.empty())
			step.set.kind({std::string(decl.kind->kernel_kind), std::move(kind.data)});
		return remember(step);
	}

	// --prune: the vmux devices no declaration names, children first.
	std::vector<Step> prune(const std::vector<Declaration> &decls)
	{
		std::vector<std::pair<int, Step>> found;

		for (const auto &[name, dev] : devices_) {
			if (!dev.info.is_vmux() || std::ranges::find(decls, name, &Declaration::name) != decls.end())
				continue;
			Step step;
			step.action = Action::del;
			step.why = "in no declaration";
			step.name = name;
			step.ifindex = dev.info.ifindex;
			found.emplace_back(depth(dev), std::move(step));
		}
		std::ranges::stable_sort(found, std::greater<>(), &std::pair<int, Step>::first);
		for (const Declaration &decl : decls) {
			auto lower = std::ranges::find(found, decl.args.lower,
						       [](const auto &entry) { return entry.second.name; });
			if (lower != found.end())
				throw at(decl, invalid_arg(decl.args.lower,
							   "the lower is in no declaration, and --prune deletes it"));
		}
		std::vector<Step> steps;
		for (auto &[d, step] : found)
			steps.push_back(std::move(step));
		return steps;
	}

	// The undeclared devices stacked on one that is deleted or replaced
	// (8021q or macvlan on a vmux device, say): the kernel deletes them
	// with it. Listed so that the plan says so; the uppermost first.
	std::vector<Step> gone_with(const std::vector<Step> &steps, const std::vector<Declaration> &decls) const
	{
		std::map<std::uint32_t, const Step *> doomed;
		std::vector<Step> gone;

		for (const Step &step : steps)
			if (step.action == Action::del || step.action == Action::replace)
				doomed[static_cast<std::uint32_t>(step.ifindex)] = &step;
		for (bool more = true; more;) {
			more = false;
			for (const auto &[name, dev] : devices_) {
				const auto index = static_cast<std::uint32_t>(dev.info.ifindex);
				if (!dev.info.link || dev.info.link_netnsid || doomed.contains(index) ||
				    !doomed.contains(*dev.info.link) || !dies_with_lower(dev.info))
					continue;
				const Step &under = *doomed.at(*dev.info.link);
				auto decl = std::ranges::find(decls, name, &Declaration::name);
				if (decl != decls.end()) {
					// On a declared device that is replaced: replaced
					// with it. On an undeclared one that goes: lost.
					if (under.decl)
						continue;
					throw at(*decl, invalid_arg(decl->args.lower,
								    fmt::format("the lower is on {}, which is {}, "
										"and is in no declaration",
										under.name, under.action == Action::replace
											? "replaced" : "deleted")));
				}
				Step step;
				step.action = Action::del;
				step.by_kernel = true;
				step.name = name;
				step.ifindex = dev.info.ifindex;
				step.why = fmt::format("on {}, which is {}", under.name,
						       under.action == Action::replace ? "replaced" : "deleted");
				gone.push_back(std::move(step));
				doomed[index] = &gone.back();
				more = true;
				// gone may reallocate: the pointers into it start over.
				break;
			}
			if (more)
				for (const Step &step : gone)
					doomed[static_cast<std::uint32_t>(step.ifindex)] = &step;
		}
		std::ranges::reverse(gone);
		return gone;
	}

	// The kinds the kernel deletes with their lower (a tunnel whose link
	// goes stays).
	static bool dies_with_lower(const LinkInfo &info)
	{
		static constexpr std::string_view kinds[] = {"vlan", "macvlan", "macvtap", "ipvlan", "ipvtap"};

		return info.is_vmux() || std::ranges::find(kinds, info.kind) != std::end(kinds);
	}

	// What --wait waits for: the lowers and masters no declaration makes.
	static std::vector<std::string> outside_names(const std::vector<Declaration> &decls)
	{
		std::vector<std::string> names;

		for (const Declaration &decl : decls) {
			if (std::ranges::find(decls, decl.args.lower, &Declaration::name) == decls.end())
				names.push_back(decl.args.lower);
			if (!decl.args.master.empty())
				names.push_back(decl.args.master);
		}
		return names;
	}

private:
	void check_lower(const Declaration &decl)
	{
		if (!planned_.contains(decl.args.lower) && !devices_.contains(decl.args.lower))
			throw at(decl, std::runtime_error(
					       fmt::format("Cannot find device \"{}\"", decl.args.lower)));
	}

	// The lower the kernel gives the device: the declared one, or for a
	// macvlan or ipvlan on one of its kind, that one's lower.
	std::uint32_t expected_link(const Declaration &decl) const
	{
		const LinkInfo &lower = devices_.at(decl.args.lower).info;

		if (decl.kind->reparents && lower.kind == decl.kind->kernel_kind && lower.link)
			return *lower.link;
		return static_cast<std::uint32_t>(lower.ifindex);
	}

	std::uint32_t master_index(const Declaration &decl)
	{
		auto it = devices_.find(decl.args.master);

		if (it == devices_.end())
			throw at(decl, std::runtime_error(
					       fmt::format("Cannot find device \"{}\"", decl.args.master)));
		if (decl.args.master_is_vrf && it->second.info.kind != "vrf")
			throw at(decl, invalid_arg(decl.args.master, "Not a valid VRF name"));
		return static_cast<std::uint32_t>(it->second.info.ifindex);
	}

	static std::optional<std::uint8_t> addr_gen_mode(const Attrs &attrs)
	{
		const Attrs families = Attrs::decode(*attrs.find(IFLA_AF_SPEC));
		const Bytes *inet6 = families.find(AF_INET6);

		return inet6 ? Attrs::decode(*inet6).get<std::uint8_t>(IFLA_INET6_ADDR_GEN_MODE) : std::nullopt;
	}

	// vmux devices under it on its chain of lowers.
	int depth(const Device &dev) const
	{
		int n = 0;

		for (const Device *at = &dev; at && at->info.is_vmux() && at->info.link && n < 16; n++)
			at = find_index(devices_, *at->info.link);
		return n;
	}

	Step remember(Step &step)
	{
		planned_[step.name] = step.action;
		return std::move(step);
	}

	Step replace(Step &step, std::string_view why)
	{
		step.action = Action::replace;
		if (!why.empty())
			step.changes = {why};
		return remember(step);
	}

	std::map<std::string, Device> devices_;
	std::map<std::string, Action> planned_;
};

// Poll until every name exists or seconds have passed.
void wait_for(Context &ctx, const std::vector<std::string> &names, long seconds)
{
	using clock = std::chrono::steady_clock;
	const auto end = clock::now() + std::chrono::seconds(seconds);

	while (clock::now() < end) {
		auto devices = current_devices(ctx);
		if (std::ranges::all_of(names, [&](const std::string &name) { return devices.contains(name); }))
			return;
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	}
}

void print_step(Printer &out, const Step &step)
{
	out.open_object();
	out.print(Out::any, "action", "{} ", action_name(step.action));
	out.print(Out::any, "ifname", "{}", step.name);
	if (!step.changes.empty()) {
		out.text(":");
		out.open_array("changes");
		for (std::string_view change : step.changes)
			out.print(Out::any, "", " {}", change);
		out.close_array();
	}
	if (step.decl) {
		out.print(Out::json, "file", "", step.decl->file);
		out.print(Out::json, "line", "", step.decl->line);
		out.text(fmt::format(" ({})", step.decl->where()));
	} else {
		out.print(Out::json, "why", "", step.why);
		out.text(fmt::format(" ({})", step.why));
	}
	out.close_object();
	out.nl();
}

struct ApplyArgs {
	bool dry_run = false;
	bool prune = false;
	long wait = 0;
	std::vector<std::string> paths;
};

ApplyArgs parse_apply_args(Args &args)
{
	ApplyArgs a;

	while (!args.empty() && args.peek().starts_with('-') && args.peek() != "-") {
		std::string_view word = args.next();
		std::string_view name = word.starts_with("--") ? word.substr(2) : word.substr(1);

		if (word == "--")
			break;
		if (name == "dry-run") {
			a.dry_run = true;
		} else if (name == "prune") {
			a.prune = true;
		} else if (name == "wait") {
			std::string_view value = args.next();
			auto seconds = parse_number<long>(value);
			if (!seconds || *seconds < 0 || *seconds > max_wait)
				throw invalid_arg(value, fmt::format("--wait must be 0-{} seconds", max_wait));
			a.wait = *seconds;
		} else {
			throw invalid_arg(word, "apply takes --dry-run, --prune and --wait SECONDS");
		}
	}
	while (!args.empty()) {
		std::string_view word = args.next();
		if (word == "help")
			throw HelpRequest(apply_usage_text());
		a.paths.emplace_back(word);
	}
	if (a.paths.empty())
		throw UsageError("Not enough information: a configuration FILE or DIR is required");
	return a;
}

void send(Context &ctx, const Message &msg, const Step &step)
{
	try {
		ctx.request(msg);
	} catch (const NetlinkError &e) {
		// The kernel's words, then which step: one line each.
		throw NetlinkError(e.error(), fmt::format("{} (vmux apply: {} {}{})",
							   e.extack().empty() ? std::strerror(e.error())
									      : e.extack(),
							   action_name(step.action), step.name,
							   step.decl ? fmt::format(", {}", step.decl->where()) : ""));
	}
}

void del(Context &ctx, const Step &step)
{
	LinkRequest req(Op::del);

	req.ifindex(step.ifindex);
	try {
		send(ctx, req.build(), step);
	} catch (const NetlinkError &e) {
		// Gone with its lower, deleted before it.
		if (e.error() != ENODEV)
			throw;
	}
}

} // namespace

int cmd_apply(Context &ctx, Args &args)
{
	ApplyArgs a = parse_apply_args(args);
	std::vector<Declaration> decls = read_configuration(a.paths);

	if (a.wait)
		wait_for(ctx, Planner::outside_names(decls), a.wait);

	Planner planner(current_devices(ctx));
	std::vector<Step> steps;
	if (a.prune)
		steps = planner.prune(decls);
	for (Declaration *decl : in_creation_order(decls))
		steps.push_back(planner.plan(*decl));
	std::vector<Step> gone = planner.gone_with(steps, decls);
	steps.insert(steps.begin(), std::make_move_iterator(gone.begin()), std::make_move_iterator(gone.end()));

	Printer out = ctx.printer();
	out.open_array("");
	if (a.dry_run) {
		for (const Step &step : steps)
			if (step.action != Action::none)
				print_step(out, step);
		out.close_array();
		emit(out.take());
		return 0;
	}

	// Each step is printed once done: if the kernel refuses one, what was
	// done before it is on the output. Deletions first, children before
	// lowers (replaced devices in reverse order: a replaced lower's
	// children are replaced too), then creations and changes, lowers first.
	auto done = [&](const Step &step) {
		print_step(out, step);
		emit(out.take());
		std::fflush(stdout);
	};
	try {
		for (const Step &step : steps)
			if (step.action == Action::del && !step.by_kernel) {
				del(ctx, step);
				done(step);
			}
		for (auto step = steps.rbegin(); step != steps.rend(); ++step)
			if (step->action == Action::replace)
				del(ctx, *step);
		for (const Step &step : steps)
			if (step.by_kernel)
				done(step);
		ctx.forget_ifindexes();
		for (Step &step : steps) {
			if (step.action == Action::add || step.action == Action::replace)
				send(ctx, resolve_link_args(ctx, std::move(step.decl->args)).build(), step);
			else if (step.action == Action::set)
				send(ctx, step.set.build(), step);
			else
				continue;
			done(step);
		}
	} catch (...) {
		out.close_array();
		emit(out.take());
		throw;
	}
	out.close_array();
	emit(out.take());
	return 0;
}

} // namespace vmux
