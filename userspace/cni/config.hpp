// SPDX-License-Identifier: GPL-2.0
//
// The network configuration on stdin: the keys of the reference macvlan,
// ipvlan and vlan plugins, vmux's own, and what libcni injects. Everything
// that can be checked without looking at the host is checked here, before
// anything is touched; values are checked against the kinds' option
// tables, so vmux-cni accepts what `vmux link add` accepts.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "attrs.hpp"
#include "env.hpp"
#include "link_request.hpp"
#include "result.hpp"

namespace vmux {
struct Kind;
}

namespace vmux::cni {

struct NetConf {
	std::string cni_version, name, type;
	const Kind *kind = nullptr;		// macvlan, ipvlan or vlan
	std::string master;			// "": see resolve in plugin.cpp
	std::string mode;			// the table's word; defaulted
	std::string flags;			// ipvlan: bridge, private, vepa
	std::string protocol;			// vlan: 802.1Q, 802.1ad
	std::uint32_t mtu = 0;			// 0: the kernel's choice
	std::optional<Bytes> mac;		// conf, then CNI_ARGS MAC, then runtimeConfig
	std::uint16_t vlan_id = 0;
	std::optional<std::uint32_t> bcqueuelen;
	bool link_in_container = false;
	bool keep_port_mode = false;		// ipvlan: the port's mode wins
	std::string ipam_type;			// "": no IPAM
	Dns dns;
	std::optional<Result> prev_result;
};

// Code 6 for no JSON, 7 for a key of the wrong type or out of range, 2 for
// a value or key the kind does not support; the message names the key and
// the value.
NetConf parse_config(std::string_view stdin_data, const CniArgs &args);
// What DEL needs and no more: the names, the kind if it is one, the IPAM
// plugin. A DEL must release the lease whatever else the config (or
// CNI_ARGS, or the cached prevResult) holds that ADD would refuse, or the
// runtime retries it forever; code 6 only if the JSON does not parse.
NetConf parse_del_config(std::string_view stdin_data);

// RTM_NEWLINK creating the device: name, master, mtu, mac and the kind's
// IFLA_INFO_DATA built through its option table. port_mode false (ipvlan
// keepPortMode on a port that has ipvlans) sends neither mode nor flags.
// The caller adds the target netns.
LinkRequest create_request(const NetConf &conf, std::string_view name, std::uint32_t master,
			   bool port_mode = true);

} // namespace vmux::cni
