// SPDX-License-Identifier: GPL-2.0

#include "oracle.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/vmux.h>

namespace nlfuzz {

namespace {

// The device __rtnl_newlink works on: by ifi_index, else by IFLA_IFNAME.
const Link *target(const KView &v, const Snapshot &s)
{
	if (v.ifi.ifi_index > 0)
		return s.by_index(v.ifi.ifi_index);
	if (v.ifi.ifi_index == 0)
		if (auto name = v.ifname())
			return s.by_name(*name);
	return nullptr;
}

// rtnl_dev_combine_flags(), then: does it open a device that was down?
bool opens(const KView &v, std::uint32_t dev_flags)
{
	std::uint32_t f = v.ifi.ifi_flags;

	if (!v.ifi.ifi_flags && !v.ifi.ifi_change)
		return false;
	if (v.ifi.ifi_change)
		f = (f & v.ifi.ifi_change) | (dev_flags & ~v.ifi.ifi_change);
	return (f & IFF_UP) && !(dev_flags & IFF_UP);
}

bool short_addr(const KView &v, std::uint16_t type)
{
	const KAttr *a = v.get(type);

	return a && a->data.size() < 6;
}

std::set<int> keys(const Snapshot &s)
{
	std::set<int> k;

	for (const auto &[i, l] : s.links)
		k.insert(i);
	return k;
}

std::string list(const std::set<int> &idx, const Snapshot &s)
{
	std::string out;

	for (int i : idx) {
		const Link *l = s.by_index(i);

		out += fmt::format("{}{}({})", out.empty() ? "" : " ", l ? l->name : "?", i);
	}
	return out;
}

// What a device's dump says about its state, save what moves by itself:
// IFF_RUNNING, IFF_LOWER_UP and IFF_DORMANT follow the operstate, which
// linkwatch sets later.
constexpr std::uint32_t volatile_flags = IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT;

std::string state_of(const Link &l)
{
	return fmt::format("flags {:#x} mtu {} promiscuity {} address {} data {}",
			   l.flags & ~volatile_flags, l.mtu, l.promiscuity, hex(l.address),
			   hex(l.info_data));
}

// state_of(a) == state_of(b), without formatting: a source-mode macvlan's
// list makes info_data kilobytes long, and this runs for every device at
// every refusal (under TCG, formatting them was most of the random phase).
bool same_state(const Link &a, const Link &b)
{
	return (a.flags & ~volatile_flags) == (b.flags & ~volatile_flags) && a.mtu == b.mtu &&
	       a.promiscuity == b.promiscuity && a.address == b.address &&
	       a.info_data == b.info_data;
}

constexpr std::uint16_t top_allowed[] = {
	IFLA_ADDRESS, IFLA_BROADCAST, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_TXQLEN,
	IFLA_OPERSTATE, IFLA_LINKMODE, IFLA_LINKINFO, IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES,
};

} // namespace

const char *errno_name(int e)
{
	switch (e) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case EMSGSIZE: return "EMSGSIZE";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ENETDOWN: return "ENETDOWN";
	case ENOBUFS: return "ENOBUFS";
	default: {
		const char *n = strerrorname_np(e);

		return n ? n : "E?";
	}
	}
}

// Each rule names the 6.1 code that refuses without an extack message.
// They are matched by errno AND by the condition in the request that
// leads there, so that a message vmux forgot is not excused by a look-alike.
std::optional<Rule> core_refusal(const KView &v, const Snapshot &s, int e)
{
	const Link *dev = target(v, s);
	const KindSpec *ks = kind_spec(v.kind);

	if (v.has_linkinfo && !v.linkinfo_ok && (e == ERANGE || e == EINVAL))
		return Rule{"linkinfo-policy",
			    "__rtnl_newlink parses IFLA_LINKINFO with a NULL extack"};
	if (dev && (v.nlflags & NLM_F_EXCL) && e == EEXIST)
		return Rule{"exists-excl", "__rtnl_newlink: device exists and NLM_F_EXCL"};
	if (dev && (v.nlflags & NLM_F_REPLACE) && e == EOPNOTSUPP)
		return Rule{"exists-replace", "__rtnl_newlink: device exists and NLM_F_REPLACE"};
	// validate_linkmsg(): before ops->validate for an existing device, in
	// rtnl_create_link() (after it) for a new one. vmux_vlan/macvlan's
	// validate checks IFLA_ADDRESS first, vmux_ipvlan (as ipvlan) does not.
	if (e == EINVAL && (short_addr(v, IFLA_BROADCAST) ||
			    (short_addr(v, IFLA_ADDRESS) &&
			     (dev || !ks || ks->kind == VMUX_KIND_IPVLAN))))
		return Rule{"short-address",
			    "validate_linkmsg: IFLA_ADDRESS/IFLA_BROADCAST shorter than addr_len"};

	if (dev) {
		const KindSpec *dk = dev->vmux ? &kind_spec(*dev->vmux) : nullptr;

		if (v.info_get(IFLA_INFO_DATA) && (!ks || ks != dk) && e == EOPNOTSUPP)
			return Rule{"kind-mismatch",
				    "__rtnl_newlink: IFLA_INFO_DATA for another kind than the device's"};
		if (v.info_get(IFLA_INFO_SLAVE_DATA) && e == EOPNOTSUPP)
			return Rule{"slave-data",
				    "__rtnl_newlink: IFLA_INFO_SLAVE_DATA without a master"};
		if (const KAttr *m = v.get(IFLA_MTU); m && m->u32() && *m->u32() != dev->mtu &&
		    dev->vmux && *dev->vmux != IPVLAN &&
		    e == (*dev->vmux == VLAN ? ERANGE : EINVAL)) {
			const Link *low = dev->link_netnsid ? nullptr : s.by_index(dev->link);

			if (!low || *m->u32() > low->mtu)
				return Rule{"ndo_change_mtu",
					    "do_setlink: ndo_change_mtu has no extack (8021q and "
					    "macvlan refuse an MTU above the lower's the same way)"};
		}
		if (const KAttr *a = v.get(IFLA_ADDRESS); a && a->data.size() >= 6 &&
		    (e == EADDRNOTAVAIL || e == EADDRINUSE || e == EOPNOTSUPP))
			return Rule{"ndo_set_mac_address",
				    "do_setlink: ndo_set_mac_address has no extack"};
		if (const KAttr *q = v.get(IFLA_TXQLEN); q && q->u32() && *q->u32() > 0x7fff &&
		    e == ERANGE)
			return Rule{"txqlen", "dev_change_tx_queue_len: above S16_MAX"};
		// do_setlink renames a device chosen by ifindex, to the name it has
		// too; dev_change_name refuses an up device before comparing.
		if (auto name = v.ifname(); name && !name->empty() && v.ifi.ifi_index > 0) {
			if (e == EBUSY && (dev->flags & IFF_UP))
				return Rule{"rename-up", "dev_change_name: device is up"};
			if (e == EINVAL && !valid_new_name(*name))
				return Rule{"rename-invalid", "dev_change_name: invalid name"};
			if (e == EEXIST && *name != dev->name && s.by_name(*name))
				return Rule{"rename-taken", "dev_change_name: name taken"};
		}
		if (opens(v, dev->flags) &&
		    (e == ENETDOWN || e == EADDRINUSE || e == EADDRNOTAVAIL))
			return Rule{"ndo_open", "__dev_open: ndo_open has no extack"};
		return std::nullopt;
	}

	if (!(v.nlflags & NLM_F_CREATE) && e == ENODEV)
		return Rule{"no-create", "__rtnl_newlink: no such device and no NLM_F_CREATE"};
	if (auto name = v.ifname()) {
		if (!valid_new_name(*name) && e == EINVAL)
			return Rule{"bad-name", "register_netdevice: dev_get_valid_name refuses it"};
		if (e == EEXIST && (s.by_name(*name) || v.get(IFLA_LINK_NETNSID)))
			return Rule{"name-taken",
				    "register_netdevice: name taken in the netns it registers in"};
	}
	if (v.ifi.ifi_index > 0 && v.get(IFLA_LINK_NETNSID) && e == EBUSY)
		return Rule{"ifindex-taken",
			    "register_netdevice: ifindex taken in the link netns"};
	if (v.get(IFLA_LINK_NETNSID) && e == EEXIST)
		return Rule{"netns-move", "dev_change_net_namespace: name taken in the target"};
	if (opens(v, 0) && (e == ENETDOWN || e == EADDRINUSE || e == EADDRNOTAVAIL))
		return Rule{"ndo_open",
			    "rtnl_configure_link: __dev_change_flags with a NULL extack"};
	return std::nullopt;
}

bool vmux_reached(const KView &v, const Snapshot &s)
{
	const KindSpec *ks = kind_spec(v.kind);
	const Link *dev = target(v, s);

	if (!v.has_linkinfo || !v.linkinfo_ok || !ks || v.ifi.ifi_flags || v.ifi.ifi_change)
		return false;
	if (v.info_get(IFLA_INFO_SLAVE_DATA) || v.info_get(IFLA_INFO_SLAVE_KIND))
		return false;
	for (const auto &[t, a] : v.tb)
		if (std::find(std::begin(top_allowed), std::end(top_allowed), t) ==
		    std::end(top_allowed))
			return false;
	if (short_addr(v, IFLA_ADDRESS) || short_addr(v, IFLA_BROADCAST))
		return false;
	if (dev) {
		// changelink, and a do_setlink with nothing to do.
		if (v.nlflags & (NLM_F_EXCL | NLM_F_REPLACE) || !v.info_get(IFLA_INFO_DATA) ||
		    !dev->vmux || &kind_spec(*dev->vmux) != ks)
			return false;
		for (const auto &[t, a] : v.tb)
			if (t != IFLA_LINKINFO && t != IFLA_LINK &&
			    !(t == IFLA_IFNAME && (v.ifi.ifi_index == 0 || a.str().empty() ||
						   (a.str() == dev->name && !(dev->flags & IFF_UP)))))
				return false;
		return true;
	}
	if (!(v.nlflags & NLM_F_CREATE) || v.ifi.ifi_index)
		return false;
	if (auto name = v.ifname(); name && (!valid_new_name(*name) || s.by_name(*name)))
		return false;
	return true;
}

bool changes_nothing(const KView &v, const Snapshot &s)
{
	if (!target(v, s) && (v.nlflags & NLM_F_CREATE) && v.ifi.ifi_index >= 0)
		return true;
	return vmux_reached(v, s);
}

Fuzzer::Fuzzer(Env env, bool verbose) : env_(std::move(env)), verbose_(verbose)
{
	snap_ = dump("start");
	for (const auto &[i, l] : snap_.links)
		baseline_.push_back(i);
	for (int f : env_.foreign_children) {
		const Link *l = snap_.by_index(f);

		if (!l || !l->vmux)
			throw std::runtime_error(fmt::format("foreign child {} is not a vmux device", f));
		foreign_state_[f] = *l;
	}
	// Never a request's target, only a lower: what the children did to
	// them must be undone when they are gone.
	for (int i : {env_.lower, env_.spare, env_.vlan8021q, env_.vmux_lower, env_.lo, env_.tun})
		if (snap_.by_index(i))
			lowers_state_[i] = rx_state(i);
}

std::optional<std::uint32_t> Fuzzer::sysfs_flags(const Link &l) const
{
	// Only if /sys shows this netns (ip netns exec mounts it so; a user
	// namespace entered with nsenter sees someone else's).
	std::string dir = "/sys/class/net/" + l.name + "/";
	std::ifstream idx(dir + "ifindex"), fl(dir + "flags");
	int i = 0;
	std::uint32_t f = 0;

	if (!(idx >> i) || i != l.ifindex || !(fl >> std::hex >> f))
		return std::nullopt;
	return f;
}

// The promiscuity count (IFLA_PROMISCUITY), and PROMISC and ALLMULTI as the
// counts set them (sysfs); a dump's ifi_flags carry only what the user set
// on the device itself, and 6.1 dumps no allmulti count.
std::string Fuzzer::rx_state(int ifindex) const
{
	const Link *l = snap_.by_index(ifindex);

	if (!l)
		return "gone";
	std::uint32_t f = sysfs_flags(*l).value_or(l->flags);
	return fmt::format("promiscuity {}{}{}", l->promiscuity, f & IFF_PROMISC ? " PROMISC" : "",
			   f & IFF_ALLMULTI ? " ALLMULTI" : "");
}

// A device that goes with PROMISC or ALLMULTI set leaves its lower's count
// raised, in 8021q (since "net: vlan: don't propagate flags on open",
// 6.1.135) and ipvlan as in vmux: clear them first, so that what the lowers
// show at the end is what vmux alone did wrong. True if it sent a request:
// the caller's snapshot is then out of date.
bool Fuzzer::clear_rx_flags(const Snapshot &s, int ifindex)
{
	const Link *l = s.by_index(ifindex);

	if (!l || !(l->flags & (IFF_PROMISC | IFF_ALLMULTI)))
		return false;
	Request r;
	r.ifi.ifi_index = ifindex;
	r.ifi.ifi_change = IFF_PROMISC | IFF_ALLMULTI;
	Encoded e = r.encode();
	sock_.transact(e.bytes);
	return true;
}

int Fuzzer::make(const std::string &label, const Request &req, bool must)
{
	Encoded e = req.encode();
	Reply r = sock_.transact(e.bytes);
	Snapshot after = dump(label);
	int made = 0;

	for (const auto &[i, l] : after.links)
		if (!snap_.by_index(i))
			made = i;
	if ((r.error || !made) && must)
		fail(label, fmt::format("cannot create: {} {}", errno_name(r.error), r.extack), &e.bytes);
	snap_ = std::move(after);
	return r.error ? 0 : made;
}

void Fuzzer::unmake(const std::string &label, int ifindex)
{
	if (ifindex && remove(label, ifindex))
		snap_ = dump(label);
}

void Fuzzer::refresh(const std::string &label)
{
	snap_ = dump(label);
}

void Fuzzer::reset_stats()
{
	stats_ = Stats{};
	unexplained_.clear();
}

std::string Fuzzer::fresh_name(const char *prefix)
{
	for (;;) {
		std::string n = fmt::format("{}{}", prefix, name_seq_++);

		if (!snap_.by_name(n))
			return n;
	}
}

int Fuzzer::lower_mtu() const
{
	const Link *l = snap_.by_index(env_.lower);

	return l ? int(l->mtu) : 1500;
}

void Fuzzer::fail(const std::string &label, const std::string &why, const Bytes *bytes)
{
	stats_.failures++;
	fmt::print("FAIL: {}: {}\n", label, why);
	if (bytes)
		fmt::print("      request: {}\n", hex(*bytes));
	std::fflush(stdout);
}

Snapshot Fuzzer::dump(const std::string &label)
{
	auto t0 = Clock::now();
	Snapshot s = parse_links(sock_.dump_links());
	stats_.t_dump += Clock::now() - t0;

	// A broken device stays broken: say so once, not at every step.
	for (const std::string &e : s.errors)
		if (reported_.insert(e).second)
			fail(label, e);
	return s;
}

void Fuzzer::check_invariants(const std::string &label, const Snapshot &s)
{
	auto once = [&](const std::string &why) {
		if (reported_.insert(why).second)
			fail(label, why);
	};

	for (const Child &c : children_) {
		const Link *l = s.by_index(c.ifindex);

		if (!l)
			once(fmt::format("the fuzzer's {} (ifindex {}) is gone", c.what, c.ifindex));
		else if (l->link != child_lower_[c.ifindex])
			once(fmt::format("the fuzzer's {} moved from lower {} to {}", c.what,
					 child_lower_[c.ifindex], l->link));
	}
	// A lower we do not own: its port state is not ours to change.
	for (const auto &[i, was] : foreign_state_) {
		const Link *l = s.by_index(i);

		if (!l) {
			once(fmt::format("foreign child {} is gone", was.name));
			continue;
		}
		bool same = l->link == was.link;
		if (*was.vmux == MACVLAN)
			same = same && l->mv_flags == was.mv_flags && l->mv_count == was.mv_count &&
			       l->mv_bcq == was.mv_bcq && l->mv_bcq_used == was.mv_bcq_used &&
			       l->mv_cutoff == was.mv_cutoff &&
			       (l->mv_mode == VMUX_MACVLAN_MODE_SOURCE) ==
				       (was.mv_mode == VMUX_MACVLAN_MODE_SOURCE);
		if (*was.vmux == IPVLAN)
			same = same && l->ipv_mode == was.ipv_mode && l->ipv_flags == was.ipv_flags;
		if (!same)
			once(fmt::format("the port state of {} (a lower we do not own) changed",
					 was.name));
	}
}

bool Fuzzer::remove(const std::string &label, int ifindex)
{
	Encoded del = make_del(ifindex).encode();
	auto t0 = Clock::now();
	Reply r = sock_.transact(del.bytes);

	stats_.t_delete += Clock::now() - t0;
	if (r.error) {
		fail(label, fmt::format("cannot delete ifindex {}: {} {}", ifindex,
					errno_name(r.error), r.extack));
		return false;
	}
	return true;
}

Outcome Fuzzer::step(const std::string &label, Encoded enc, Expect expect, int want_error,
		     bool strict)
{
	const auto t_start = Clock::now();
	const auto io_start = stats_.t_request + stats_.t_dump + stats_.t_delete;
	Outcome out;
	const Snapshot before = snap_;
	const KView v = kernel_view(enc.bytes);
	const Bytes sent = enc.bytes;

	auto t0 = Clock::now();
	out.reply = sock_.transact(enc.bytes);
	stats_.t_request += Clock::now() - t0;
	stats_.sent++;
	const Reply &r = out.reply;
	Snapshot after = dump(label);
	std::set<int> b = keys(before), a = keys(after), added, gone;
	std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
			    std::inserter(added, added.end()));
	std::set_difference(b.begin(), b.end(), a.begin(), a.end(),
			    std::inserter(gone, gone.end()));

	stats_.outcomes[fmt::format("{}{}{}", errno_name(r.error), r.extack.empty() ? "" : ": ",
				    r.extack)]++;
	if (verbose_)
		fmt::print("  {} -> {}{}{}\n", label, errno_name(r.error), r.extack.empty() ? "" : ": ",
			   r.extack);
	if (!r.error) {
		stats_.accepted++;
		if (expect == Expect::Refuse)
			fail(label, "accepted, expected a refusal", &sent);
		if (!gone.empty())
			fail(label, "an accepted request removed " + list(gone, before), &sent);
		if (added.size() > 1)
			fail(label, "one request created " + list(added, after), &sent);
		if (added.empty() && !target(v, before) && (v.nlflags & NLM_F_CREATE))
			fail(label, "accepted a create, but no new device in this netns", &sent);
	} else {
		stats_.refused++;
		if (r.error < 0 || r.error > 4095)
			fail(label, fmt::format("NLMSG_ERROR carries {}: not a negative errno",
						-r.error), &sent);
		// __dev_set_promiscuity/allmulti: a counter wrapped ("touches
		// roof"): increments and decrements on some device did not balance.
		if (r.error == EOVERFLOW)
			fail(label, "EOVERFLOW: a promiscuity or allmulti count wrapped: some "
				    "child's PROMISC/ALLMULTI did not balance on its lower", &sent);
		if (expect == Expect::Accept)
			fail(label, fmt::format("refused: {} \"{}\"", errno_name(r.error), r.extack),
			     &sent);
		else if (want_error && r.error != want_error)
			fail(label, fmt::format("refused with {} \"{}\", expected {}",
						errno_name(r.error), r.extack, errno_name(want_error)),
			     &sent);
		if (!added.empty() || !gone.empty())
			fail(label, fmt::format("a refused request changed the devices: +[{}] -[{}]",
						list(added, after), list(gone, before)), &sent);
		// A refused create, or a refusal after every core check passed,
		// changed nothing on any device: the core's own partial updates
		// (do_setlink applies attribute after attribute) come only after
		// the kind's changelink, and a create's failure unregisters what
		// it made, which must give back what it took from the others.
		else if (changes_nothing(v, before))
			for (const auto &[i, was] : before.links) {
				const Link *now = after.by_index(i);

				if (now && !same_state(*now, was))
					fail(label, fmt::format("a refused request changed {}: \"{}\" "
								"became \"{}\"", was.name,
								state_of(was), state_of(*now)),
					     &sent);
			}
		if (r.extack.empty()) {
			stats_.noext++;
			if (auto rule = core_refusal(v, before, r.error)) {
				if (!stats_.noext_by_rule[rule->id]++)
					stats_.rule_example[rule->id] = {rule->why, {label, sent}};
			} else {
				bool own = vmux_reached(v, before);

				unexplained_.push_back({label, r.error, own, sent});
				if (strict || own)
					fail(label, fmt::format("refused with {} and no extack message{}",
								errno_name(r.error),
								own ? " (by vmux: every core check passed)" : ""),
					     &sent);
			}
		}
	}
	// What it made goes again, accepted or not. A device made by a
	// request has no upper device: deleting it takes nothing else along,
	// and the next step's dump checks that.
	for (int i : added) {
		stats_.created++;
		out.created.push_back(i);
		// A lingering device is a sibling the next requests meet: the
		// next oracle must see it as it is now, flags cleared.
		if (clear_rx_flags(after, i))
			after = dump(label + " (rx flags cleared)");
		if (batch_ && defer_delete(label, i, after))
			continue;
		if (remove(label, i)) {
			stats_.deleted++;
			after.links.erase(i);
		}
	}
	check_invariants(label, after);
	if (batch_ && lingering_.size() >= batch_)
		flush(label, after);
	snap_ = std::move(after);
	stats_.t_step += Clock::now() - t_start;
	stats_.t_oracle += (Clock::now() - t_start) -
			   (stats_.t_request + stats_.t_dump + stats_.t_delete - io_start);
	return out;
}

// Unregistering a device costs an RCU grace period or two (netdev_run_todo
// waits in rcu_barrier()), a few ms under TCG: the random phase marks what
// it made with a group of its own and deletes the group now and then, in
// one unregister_netdevice_many(). Meanwhile the devices are siblings the
// next requests meet. Not a device that is some lingering device's upper:
// deleting a lower with its upper in one batch is another test.
bool Fuzzer::defer_delete(const std::string &label, int ifindex, Snapshot &after)
{
	const Link *l = after.by_index(ifindex);

	if (!l || (!l->link_netnsid && lingering_.count(l->link)))
		return false;
	Request r;
	r.ifi.ifi_index = ifindex;
	r.set(Attr::u32(IFLA_GROUP, linger_group));
	Encoded e = r.encode();
	Reply rep = sock_.transact(e.bytes);
	if (rep.error) {
		fail(label, fmt::format("cannot set the group of {}: {} {}", l->name,
					errno_name(rep.error), rep.extack));
		return false;
	}
	lingering_.insert(ifindex);
	return true;
}

void Fuzzer::flush(const std::string &label, Snapshot &after)
{
	if (lingering_.empty())
		return;
	Request r = make_del(0);
	r.set(Attr::u32(IFLA_GROUP, linger_group));
	Encoded e = r.encode();
	auto t0 = Clock::now();
	Reply rep = sock_.transact(e.bytes);
	stats_.t_delete += Clock::now() - t0;
	if (rep.error)
		fail(label, fmt::format("cannot delete group {:#x}: {} {}", linger_group,
					errno_name(rep.error), rep.extack));
	after = dump(label + " (flush)");
	for (int i : lingering_) {
		if (after.by_index(i))
			fail(label, fmt::format("ifindex {} survived the group delete", i));
		else
			stats_.deleted++;
	}
	lingering_.clear();
}

void Fuzzer::setup()
{
	struct Spec {
		KindId kind;
		const char *what;
		std::vector<Attr> data;
	};
	std::vector<Spec> specs;

	specs.push_back({VLAN, "vlan", {Attr::u16(IFLA_VMUX_VLAN_ID, 3001)}});
	specs.push_back({MACVLAN, "macvlan bridge",
			 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_BRIDGE)}});
	specs.push_back({MACVLAN, "macvlan source",
			 {Attr::u32(IFLA_VMUX_MACVLAN_MODE, VMUX_MACVLAN_MODE_SOURCE),
			  Attr::u32(IFLA_VMUX_MACVLAN_MACADDR_MODE, VMUX_MACVLAN_MACADDR_SET),
			  Attr::nested(IFLA_VMUX_MACVLAN_MACADDR_DATA,
				       {Attr::raw(IFLA_VMUX_MACVLAN_MACADDR, mac_bytes("02:5a:5a:00:00:01")),
					Attr::raw(IFLA_VMUX_MACVLAN_MACADDR, mac_bytes("02:5a:5a:00:00:02"))})}});
	specs.push_back({IPVLAN, "ipvlan", {Attr::u16(IFLA_VMUX_IPVLAN_MODE, VMUX_IPVLAN_MODE_L2)}});

	for (Spec &sp : specs) {
		std::string name = fresh_name("nfc");
		Encoded enc = make_create(kind_spec(sp.kind).kind, name, env_.lower,
					  std::move(sp.data)).encode();
		Reply r = sock_.transact(enc.bytes);

		if (r.error)
			throw std::runtime_error(fmt::format("setup: cannot create the {} {}: {} {}",
							     sp.what, name, errno_name(r.error),
							     r.extack));
		snap_ = dump("setup");
		const Link *l = snap_.by_name(name);
		if (!l)
			throw std::runtime_error(fmt::format("setup: {} created but not dumped", name));
		children_.push_back({l->ifindex, sp.kind, sp.what});
		child_lower_[l->ifindex] = l->link;
	}
}

void Fuzzer::finish()
{
	flush("finish", snap_);
	for (const Child &c : children_) {
		clear_rx_flags(snap_, c.ifindex);
		if (snap_.by_index(c.ifindex))
			remove("finish", c.ifindex);	// not counted: ours
	}
	children_.clear();
	child_lower_.clear();
	snap_ = dump("finish");

	for (const auto &[i, was] : lowers_state_)
		if (rx_state(i) != was)
			fail("finish", fmt::format("{}: was \"{}\", is \"{}\" after every device the "
						   "fuzzer made is gone: what its children's UP, PROMISC "
						   "and ALLMULTI did to it was not undone",
						   snap_.by_index(i)->name, was, rx_state(i)));
	std::set<int> base(baseline_.begin(), baseline_.end()), now = keys(snap_), extra, missing;
	std::set_difference(now.begin(), now.end(), base.begin(), base.end(),
			    std::inserter(extra, extra.end()));
	std::set_difference(base.begin(), base.end(), now.begin(), now.end(),
			    std::inserter(missing, missing.end()));
	if (!extra.empty())
		fail("finish", "devices left behind: " + list(extra, snap_));
	if (!missing.empty())
		fail("finish", fmt::format("devices of the environment gone: {}",
					   fmt::join(missing, " ")));
	for (int i : extra)
		remove("finish", i);
}

} // namespace nlfuzz
