// SPDX-License-Identifier: GPL-2.0
//
// RTM_NEWLINK/RTM_DELLINK requests. A command fills a LinkRequest
// completely, then build() produces the one message that is sent: nothing
// reaches the kernel before the whole command line has been understood.

#pragma once

#include <cstdint>
#include <memory>
#include <vector>
#include <optional>
#include <string>

#include "attrs.hpp"
#include "message.hpp"

namespace vmux {

// IFLA_LINKINFO: the kernel kind and, if any kind argument was given, the
// IFLA_INFO_DATA attributes (like ip, none at all otherwise).
struct LinkKind {
	std::string kind;
	std::optional<Attrs> data;
};

class LinkRequest {
public:
	enum class Op {
		add,	// RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL
		set,	// RTM_NEWLINK on an existing ifindex
		del,	// RTM_DELLINK
	};

	explicit LinkRequest(Op op) : op_(op) {}

	LinkRequest &ifindex(int index) { ifindex_ = index; return *this; }
	LinkRequest &link(std::uint32_t lower) { link_ = lower; return *this; }
	LinkRequest &name(std::string name) { name_ = std::move(name); return *this; }
	LinkRequest &mtu(std::uint32_t mtu) { mtu_ = mtu; return *this; }
	LinkRequest &address(Bytes lladdr) { address_ = std::move(lladdr); return *this; }
	LinkRequest &txqlen(std::uint32_t len) { txqlen_ = len; return *this; }
	LinkRequest &netns_pid(std::uint32_t pid) { netns_pid_ = pid; return *this; }
	// The fd stays open in the request until it is destroyed, i.e. sent.
	LinkRequest &netns_fd(UniqueFd fd) { netns_fd_ = std::move(fd); return *this; }
	LinkRequest &link_netnsid(std::int32_t nsid) { link_netnsid_ = nsid; return *this; }
	// ifinfomsg's flags: change flag to on or off (IFF_UP, IFF_PROMISC, ...).
	LinkRequest &flag(unsigned int flag, bool on);
	LinkRequest &up(bool up);
	LinkRequest &kind(LinkKind kind) { kind_ = std::move(kind); return *this; }
	// What an attribute's fd needs alive until the request is sent (a
	// loaded BPF object).
	LinkRequest &keep_alive(std::shared_ptr<const void> owner)
	{
		keep_.push_back(std::move(owner));
		return *this;
	}

	bool has_name() const { return name_.has_value(); }
	bool has_mtu() const { return mtu_.has_value(); }
	bool has_address() const { return address_.has_value(); }
	bool has_txqlen() const { return txqlen_.has_value(); }
	bool has_netns() const { return netns_pid_ || netns_fd_; }
	bool has_state() const;
	bool has_flag(unsigned int flag) const { return change_ & flag; }
	bool has_ifindex() const { return ifindex_ != 0; }
	// The generic attributes no setter above covers (IFLA_GROUP,
	// IFLA_NUM_TX_QUEUES, ...), sent in ascending type order before
	// IFLA_LINKINFO.
	Attrs &attrs() { return attrs_; }
	const Attrs &attrs() const { return attrs_; }
	bool has_kind() const { return kind_.has_value(); }

	Message build() const;

private:
	Op op_;
	int ifindex_ = 0;
	std::optional<std::uint32_t> link_;
	std::optional<std::string> name_;
	std::optional<std::uint32_t> mtu_;
	std::optional<Bytes> address_;
	std::optional<std::uint32_t> txqlen_;
	std::optional<std::uint32_t> netns_pid_;
	UniqueFd netns_fd_;
	std::optional<std::int32_t> link_netnsid_;
	unsigned int flags_ = 0;
	unsigned int change_ = 0;
	Attrs attrs_;
	std::optional<LinkKind> kind_;
	std::vector<std::shared_ptr<const void>> keep_;
};

} // namespace vmux
