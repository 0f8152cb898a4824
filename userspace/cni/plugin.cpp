// SPDX-License-Identifier: GPL-2.0

#include "plugin.hpp"

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <net/if.h>
#include <random>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/vmux.h>

#include <fmt/core.h>

#include "addr_info.hpp"
#include "args.hpp"
#include "config.hpp"
#include "error.hpp"
#include "ipam.hpp"
#include "kinds/kind.hpp"
#include "link_info.hpp"
#include "link_request.hpp"
#include "netlink.hpp"
#include "netns.hpp"
#include "port_info.hpp"
#include "route.hpp"
#include "version.hpp"

#include "../lib/error.hpp"

namespace vmux::cni {

namespace {

using Op = LinkRequest::Op;

// What an ADD has done so far, undone in reverse order if it fails, so a
// failed ADD leaves neither a device nor a lease behind.
class Rollback {
public:
	Rollback() = default;
	Rollback(const Rollback &) = delete;
	Rollback &operator=(const Rollback &) = delete;
	~Rollback()
	{
		for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
			try {
				(*it)();
			} catch (...) {
				// The first failure is the one reported.
			}
		}
	}

	void push(std::function<void()> undo) { undo_.push_back(std::move(undo)); }
	void commit() { undo_.clear(); }

private:
	std::vector<std::function<void()>> undo_;
};

// The container's netns; code 999 naming the path if it cannot be opened.
UniqueFd open_container_netns(const std::string &path)
{
	try {
		return open_netns(path);
	} catch (const std::system_error &e) {
		throw Error(internal, fmt::format("failed to open netns \"{}\": {}", path,
						  std::strerror(e.code().value())));
	}
}

// A socket of the netns fd refers to: it stays there once we are back.
Netlink netlink_in(int netns_fd, int protocol = NETLINK_ROUTE)
{
	NetnsVisit visit(netns_fd);

	return Netlink(protocol);
}

std::optional<LinkInfo> get_link(Netlink &nl, std::string_view name)
{
	std::optional<LinkInfo> link;

	try {
		nl.request(link_get_request(name), [&](const nlmsghdr &hdr) {
			if (auto info = parse_link(hdr))
				link = std::move(info);
		});
	} catch (const NetlinkError &e) {
		if (e.error() == ENODEV)
			return std::nullopt;
		throw netlink_failure(fmt::format("failed to look up \"{}\"", name), e);
	}
	return link;
}

// The device of the first default route (either family), as the
// reference plugins pick a master.
std::string default_route_dev(Netlink &nl)
{
	for (const Bytes &msg : nl.dump(route_dump_request(AF_UNSPEC))) {
		auto route = parse_route(*reinterpret_cast<const nlmsghdr *>(msg.data()));
		char name[IF_NAMESIZE];

		if (route && route->table == RT_TABLE_MAIN && route->dst.len == 0 && route->oif &&
		    if_indextoname(static_cast<unsigned int>(route->oif), name))
			return name;
	}
	throw Error(invalid_config, "no default route interface found: set \"master\"");
}

// The master: the config's; chained, the previous plugin's one interface;
// else the device of the default route. nl is a socket of the netns the
// master is in; lookups by index need to be made there too.
std::string resolve_master(const NetConf &conf, Netlink &nl, int lower_netns)
{
	if (!conf.master.empty())
		return conf.master;
	if (conf.prev_result) {
		const auto &ifaces = conf.prev_result->interfaces;
		if (ifaces.size() == 1 && !ifaces[0].name.empty())
			return ifaces[0].name;
		throw Error(invalid_config, "chained master failure. PrevResult lacks a single named "
					    "interface");
	}
	if (lower_netns >= 0) {
		NetnsVisit visit(lower_netns);
		return default_route_dev(nl);
	}
	return default_route_dev(nl);
}

struct Master {
	std::string name;
	LinkInfo link;
};

Master find_master(const NetConf &conf, Netlink &nl, int lower_netns)
{
	std::string name = resolve_master(conf, nl, lower_netns);
	auto link = get_link(nl, name);

	if (!link)
		throw Error(invalid_config, fmt::format("master \"{}\" not found{}", name,
							lower_netns >= 0 ? " in the container's netns"
									 : ""));
	return {name, std::move(*link)};
}

// The vmux children of the master's port, from the genl family; none if
// the module (or the port) is not there.
std::vector<PortChild> port_children(int lower_netns, std::uint32_t master)
{
	std::vector<PortChild> children;
	Netlink genl = lower_netns >= 0 ? netlink_in(lower_netns, NETLINK_GENERIC)
					: Netlink(NETLINK_GENERIC);
	auto family = genl_family_id(genl, VMUX_GENL_NAME);

	if (!family)
		return children;
	try {
		for (const Bytes &msg : genl.dump(port_dump_request(*family, master))) {
			auto reply = parse_port_reply(*reinterpret_cast<const nlmsghdr *>(msg.data()),
						      *family);
			if (reply && reply->child)
				children.push_back(std::move(*reply->child));
		}
	} catch (const NetlinkError &) {
		// No port on the master: no children.
	}
	return children;
}

std::string temp_name()
{
	std::random_device rd;

	return fmt::format("vmux{:08x}", rd());
}

void write_sysctl(const std::string &path, std::string_view value)
{
	UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));

	if (!fd || write(fd.get(), value.data(), value.size()) < 0)
		throw Error(internal, fmt::format("failed to write {} to {}: {}", value, path,
						  std::strerror(errno)));
}

// Addresses (while down, so that UP announces them), UP, DAD, routes: the
// order of the reference plugins' ipam.ConfigureIface.
void configure(int netns, Netlink &nl, int ifindex, const std::string &ifname, const Result &res)
{
	bool v6 = false, v6_gateway = false;

	for (const IpConfig &ip : res.ips) {
		v6 |= ip.address.family == AF_INET6;
		v6_gateway |= ip.address.family == AF_INET6 && ip.gateway;
	}
	{
		NetnsVisit visit(netns);

		// Gratuitous ARP and unsolicited NA when the device comes up
		// with its addresses: peers learn the new MAC at once. Best
		// effort, as the reference plugins (no IPv6: no ndisc_notify).
		for (const char *path : {"/proc/sys/net/ipv4/conf/{}/arp_notify",
					 "/proc/sys/net/ipv6/conf/{}/ndisc_notify"}) {
			try {
				write_sysctl(fmt::format(fmt::runtime(path), ifname), "1");
			} catch (const Error &) {
			}
		}
		if (v6) {
			write_sysctl("/proc/sys/net/ipv6/conf/lo/disable_ipv6", "0");
			write_sysctl(fmt::format("/proc/sys/net/ipv6/conf/{}/disable_ipv6", ifname), "0");
		}
	}
	for (const IpConfig &ip : res.ips) {
		try {
			nl.request(addr_add_request(ifindex, ip.address));
		} catch (const NetlinkError &e) {
			throw netlink_failure(fmt::format("failed to add IP addr {} to \"{}\"",
							  ip.address.str(), ifname), e);
		}
	}
	try {
		nl.request(LinkRequest(Op::set).ifindex(ifindex).up(true).build());
	} catch (const NetlinkError &e) {
		throw netlink_failure(fmt::format("failed to set \"{}\" up", ifname), e);
	}
	// A v6 gateway is reached from a settled address only (10 s, as
	// ip.SettleAddresses).
	if (v6_gateway) {
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
		for (;;) {
			bool tentative = false;

			for (const Bytes &msg : nl.dump(addr_dump_request())) {
				auto addr = parse_addr(*reinterpret_cast<const nlmsghdr *>(msg.data()));
				if (!addr || addr->ifindex != ifindex || addr->family != AF_INET6)
					continue;
				if (addr->flags & IFA_F_DADFAILED)
					throw Error(internal, fmt::format("duplicate address {} on \"{}\"",
									  addr->address, ifname));
				tentative |= (addr->flags & IFA_F_TENTATIVE) != 0;
			}
			if (!tentative)
				break;
			if (std::chrono::steady_clock::now() > deadline)
				throw Error(internal, fmt::format("IPv6 addresses of \"{}\" still "
								  "tentative after 10 s", ifname));
			std::this_thread::sleep_for(std::chrono::milliseconds(50));
		}
	}
	for (const Route &route : res.routes) {
		std::optional<IpPrefix> gw = route.gw;

		for (const IpConfig &ip : res.ips)
			if (!gw && ip.gateway && ip.gateway->family == route.dst.family)
				gw = ip.gateway;
		try {
			nl.request(route_add_request(ifindex, route.dst, gw));
		} catch (const NetlinkError &e) {
			throw netlink_failure(fmt::format("failed to add route {}{} on \"{}\"",
							  route.dst.str(),
							  gw ? " via " + gw->addr_str() : "", ifname),
					      e);
		}
	}
}

// The address list of a device: "10.0.0.2/24".
std::vector<std::string> addresses_of(Netlink &nl, int ifindex)
{
	std::vector<std::string> out;

	for (const Bytes &msg : nl.dump(addr_dump_request())) {
		auto addr = parse_addr(*reinterpret_cast<const nlmsghdr *>(msg.data()));
		if (addr && addr->ifindex == ifindex)
			out.push_back(fmt::format("{}/{}", addr->address, addr->prefixlen));
	}
	return out;
}

std::string cmd_add(const Env &env, const NetConf &conf, std::string_view stdin_data)
{
	const Kind &kind = *conf.kind;
	UniqueFd ns = open_container_netns(env.netns);
	Netlink host;
	Netlink cont = netlink_in(ns.get());
	Netlink &lower_nl = conf.link_in_container ? cont : host;
	int lower_netns = conf.link_in_container ? ns.get() : -1;

	// Everything that can fail before a change, first.
	Master master = find_master(conf, lower_nl, lower_netns);
	if (conf.mtu && master.link.mtu && conf.mtu > *master.link.mtu)
		throw Error(invalid_config, fmt::format("invalid MTU {}, must be [0, master MTU({})]",
							conf.mtu, *master.link.mtu));
	if (get_link(cont, env.ifname))
		throw Error(internal, fmt::format("interface \"{}\" already exists in netns \"{}\"",
						  env.ifname, env.netns));
	std::string ipam;
	if (!conf.ipam_type.empty())
		ipam = find_plugin(conf.ipam_type, split_path(env.path));
	bool port_mode = true;
	if (conf.keep_port_mode)
		for (const PortChild &child : port_children(lower_netns, master.link.ifindex))
			port_mode &= child.kind != VMUX_KIND_IPVLAN;

	Rollback rollback;
	std::string tmp = temp_name();
	LinkRequest req = create_request(conf, tmp, static_cast<std::uint32_t>(master.link.ifindex),
					 port_mode);
	if (!conf.link_in_container)
		req.netns_fd(UniqueFd(fcntl(ns.get(), F_DUPFD_CLOEXEC, 0)));
	try {
		lower_nl.request(req.build());
	} catch (const NetlinkError &e) {
		if (e.error() == EOPNOTSUPP)
			throw Error(internal, fmt::format("failed to create {} on \"{}\": kind {} "
							  "unknown, is the vmux module loaded?",
							  kind.name, master.name, kind.kernel_kind));
		throw netlink_failure(fmt::format("failed to create {} on \"{}\"", kind.name,
						  master.name), e);
	}
	// Undone by name until its index is known, by index after.
	int ifindex = 0;
	rollback.push([&cont, &ifindex, tmp] {
		LinkRequest del(Op::del);
		if (ifindex)
			del.ifindex(ifindex);
		else
			del.name(tmp);
		cont.request(del.build());
	});
	auto link = get_link(cont, tmp);
	if (!link)
		throw Error(internal, fmt::format("{} vanished after its creation", tmp));
	ifindex = link->ifindex;
	try {
		cont.request(LinkRequest(Op::set).ifindex(ifindex).name(env.ifname).build());
	} catch (const NetlinkError &e) {
		throw netlink_failure(fmt::format("failed to rename {} to \"{}\"", kind.name,
						  env.ifname), e);
	}

	// What this interface gets: IPAM's addresses or, chained without
	// ipam, the previous plugin's (as the reference ipvlan plugin).
	Result addressing;
	if (!ipam.empty()) {
		std::string out = exec_plugin(ipam, "ADD", stdin_data);
		rollback.push([&] { exec_plugin(ipam, "DEL", stdin_data); });
		addressing = parse_result(out, conf.ipam_type);
		if (addressing.ips.empty())
			throw Error(internal, fmt::format("IPAM plugin {} returned missing IP config",
							  conf.ipam_type));
	} else if (conf.prev_result) {
		addressing = *conf.prev_result;
	}
	Result mine;
	mine.ips = addressing.ips;
	mine.routes = addressing.routes;
	configure(ns.get(), cont, ifindex, env.ifname, mine);
	link = get_link(cont, env.ifname);
	if (!link)
		throw Error(internal, fmt::format("\"{}\" vanished while being configured", env.ifname));

	// The result: the previous plugin's, passed on with this interface
	// added (SPEC: a chained plugin outputs prevResult with its changes).
	Result res = conf.prev_result ? *conf.prev_result : Result{};
	const auto me = static_cast<unsigned int>(res.interfaces.size());
	res.interfaces.push_back({env.ifname, format_lladdr(link->address), env.netns});
	if (!ipam.empty()) {
		for (IpConfig ip : addressing.ips) {
			ip.interface = me;
			res.ips.push_back(std::move(ip));
		}
		res.routes.insert(res.routes.end(), addressing.routes.begin(),
				  addressing.routes.end());
	} else {
		for (IpConfig &ip : res.ips)	// the previous plugin's, now on this one
			ip.interface = me;
	}
	if (!conf.dns.empty())
		res.dns = conf.dns;
	else if (!addressing.dns.empty())
		res.dns = addressing.dns;
	std::string out = result_json(res, conf.cni_version);
	rollback.commit();
	return out;
}

std::string cmd_del(const Env &env, const NetConf &conf, std::string_view stdin_data)
{
	// The lease first: whatever became of the netns, it is released.
	if (!conf.ipam_type.empty())
		exec_plugin(find_plugin(conf.ipam_type, split_path(env.path)), "DEL", stdin_data);
	if (env.netns.empty())
		return {};
	UniqueFd ns;
	try {
		ns = open_netns(env.netns);
	} catch (const std::system_error &e) {
		if (e.code().value() == ENOENT)
			return {};
		throw Error(internal, fmt::format("failed to open netns \"{}\": {}", env.netns,
						  std::strerror(e.code().value())));
	}
	Netlink cont = netlink_in(ns.get());
	auto link = get_link(cont, env.ifname);
	// Gone already, or not ours to delete: vmux devices of this network's
	// kind only (a failed ADD's DEL must not take another network's eth0).
	if (!link || !link->is_vmux() || (conf.kind && link->kind != conf.kind->kernel_kind))
		return {};
	try {
		cont.request(LinkRequest(Op::del).ifindex(link->ifindex).build());
	} catch (const NetlinkError &e) {
		if (e.error() != ENODEV)
			throw netlink_failure(fmt::format("failed to delete \"{}\"", env.ifname), e);
	}
	return {};
}

std::string choice_of(const Kind &kind, std::string_view keyword, std::uint32_t value)
{
	for (const Option &row : kind.options)
		if (row.keyword == keyword)
			return std::string(choice_name(row, value));
	return std::to_string(value);
}

std::uint32_t value_of(const Kind &kind, std::string_view keyword, std::string_view word)
{
	for (const Option &row : kind.options)
		if (row.keyword == keyword)
			return choose(row, word).value;
	return 0;
}

template <typename T>
void check_choice(const Kind &kind, const Attrs &data, std::uint16_t attr, std::string_view keyword,
		  std::string_view want, std::string_view what)
{
	auto have = data.get<T>(attr);
	std::string have_name = have ? choice_of(kind, keyword, *have) : "(none)";

	if (have_name != want)
		throw Error(internal, fmt::format("Container {} {} {} does not match expected value: {}",
						  kind.name, what, have_name, want));
}

std::string cmd_check(const Env &env, const NetConf &conf, std::string_view stdin_data)
{
	const Kind &kind = *conf.kind;

	if (!conf.prev_result)
		throw Error(invalid_config, "Required prevResult missing");
	if (!conf.ipam_type.empty())
		exec_plugin(find_plugin(conf.ipam_type, split_path(env.path)), "CHECK", stdin_data);

	const Result &prev = *conf.prev_result;
	std::optional<unsigned int> index;
	for (unsigned int i = 0; i < prev.interfaces.size(); i++)
		if (prev.interfaces[i].name == env.ifname && !prev.interfaces[i].sandbox.empty())
			index = i;
	if (!index)
		throw Error(internal, fmt::format("interface \"{}\" is not in prevResult", env.ifname));
	const Interface &iface = prev.interfaces[*index];
	if (iface.sandbox != env.netns)
		throw Error(internal, fmt::format("Sandbox in prevResult {} doesn't match configured "
						  "netns: {}", iface.sandbox, env.netns));

	UniqueFd ns = open_container_netns(env.netns);
	Netlink host;
	Netlink cont = netlink_in(ns.get());
	auto link = get_link(cont, env.ifname);
	if (!link)
		throw Error(internal, fmt::format("Link \"{}\" not found in netns {}", env.ifname,
						  env.netns));
	if (link->kind != kind.kernel_kind)
		throw Error(internal, fmt::format("Container interface \"{}\" is a {}, not {}",
						  env.ifname, link->kind.empty() ? "device" : link->kind,
						  kind.kernel_kind));
	Attrs data = link->info_data.value_or(Attrs());
	if (kind.name == "macvlan") {
		check_choice<std::uint32_t>(kind, data, IFLA_VMUX_MACVLAN_MODE, "mode", conf.mode,
					    "mode");
	} else if (kind.name == "ipvlan") {
		if (!conf.keep_port_mode) {
			check_choice<std::uint16_t>(kind, data, IFLA_VMUX_IPVLAN_MODE, "mode",
						    conf.mode, "mode");
			check_choice<std::uint16_t>(kind, data, IFLA_VMUX_IPVLAN_FLAGS, "flags",
						    conf.flags.empty() ? "bridge" : conf.flags,
						    "flags");
		}
	} else {
		auto id = data.get<std::uint16_t>(IFLA_VMUX_VLAN_ID);
		if (id != conf.vlan_id)
			throw Error(internal, fmt::format("Error: Container VLAN ID {} does not match "
							  "expected value: {}",
							  id ? std::to_string(*id) : "(none)",
							  conf.vlan_id));
		auto proto = data.get<std::uint16_t>(IFLA_VMUX_VLAN_PROTOCOL);
		std::string want = conf.protocol.empty() ? "802.1Q" : conf.protocol;
		if (!proto || *proto != value_of(kind, "protocol", want))
			throw Error(internal, fmt::format("Container VLAN protocol {} does not match "
							  "expected value: {}",
							  proto ? choice_of(kind, "protocol", *proto)
								: "(none)", want));
	}

	// The master exists and the device is a child of its port.
	Netlink &lower_nl = conf.link_in_container ? cont : host;
	int lower_netns = conf.link_in_container ? ns.get() : -1;
	Master master = find_master(conf, lower_nl, lower_netns);
	std::optional<std::int32_t> nsid;
	if (!conf.link_in_container)
		nsid = netns_id(host, ns.get());
	bool on_port = false;
	for (const PortChild &child : port_children(lower_netns, master.link.ifindex))
		on_port |= static_cast<int>(child.ifindex) == link->ifindex && child.netnsid == nsid;
	if (!on_port)
		throw Error(internal, fmt::format("Container interface \"{}\" is not a child of master "
						  "\"{}\"", env.ifname, master.name));

	std::string mac = format_lladdr(link->address);
	if (!iface.mac.empty() && strcasecmp(iface.mac.c_str(), mac.c_str()) != 0)
		throw Error(internal, fmt::format("Interface \"{}\" MAC {} does not match prevResult's "
						  "{}", env.ifname, mac, iface.mac));
	if (conf.mtu && link->mtu != conf.mtu)
		throw Error(internal, fmt::format("Interface \"{}\" MTU {} does not match expected "
						  "value: {}", env.ifname, link->mtu.value_or(0),
						  conf.mtu));

	std::vector<std::string> have = addresses_of(cont, link->ifindex);
	for (const IpConfig &ip : prev.ips) {
		if (ip.interface && *ip.interface != *index)
			continue;
		if (std::find(have.begin(), have.end(), ip.address.str()) == have.end())
			throw Error(internal, fmt::format("Failed to match addr {} on interface {}",
							  ip.address.str(), env.ifname));
	}
	std::vector<RouteInfo> routes;
	for (const Bytes &msg : cont.dump(route_dump_request(AF_UNSPEC)))
		if (auto r = parse_route(*reinterpret_cast<const nlmsghdr *>(msg.data())))
			routes.push_back(std::move(*r));
	for (const Route &want : prev.routes) {
		bool found = std::any_of(routes.begin(), routes.end(), [&](const RouteInfo &r) {
			return r.table == RT_TABLE_MAIN && r.dst.network() == want.dst.network() &&
			       (!want.gw || r.gateway == want.gw);
		});
		if (!found)
			throw Error(internal, fmt::format("Expected Route {}{} not found in routing table",
							  want.dst.str(),
							  want.gw ? " via " + want.gw->addr_str() : ""));
	}
	return {};
}

} // namespace

std::string run(const Env &env, std::string_view stdin_data)
{
	if (env.command == "VERSION")
		return version_json();
	std::string version = skel_checks(env, stdin_data);
	if (env.command != "ADD" && env.command != "DEL" && env.command != "CHECK")
		throw Error(invalid_env, fmt::format("unknown CNI_COMMAND: {}", env.command));
	check_config_version(env.command, version);
	// A delegate of ours running us: an IPAM "type" naming vmux-cni would
	// start copies of itself without end (DEL and CHECK delegate first).
	if (std::getenv(delegate_marker))
		throw Error(invalid_config, "vmux-cni is no IPAM plugin: it was run as one (\"ipam\" "
					    "names it)");
	NetConf conf = env.command == "DEL" ? parse_del_config(stdin_data)
					    : parse_config(stdin_data, parse_cni_args(env.args));

	try {
		if (env.command == "ADD")
			return cmd_add(env, conf, stdin_data);
		if (env.command == "DEL")
			return cmd_del(env, conf, stdin_data);
		return cmd_check(env, conf, stdin_data);
	} catch (const NetlinkError &e) {
		throw netlink_failure(fmt::format("{} failed", env.command), e);
	}
}

} // namespace vmux::cni
