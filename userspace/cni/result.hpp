// SPDX-License-Identifier: GPL-2.0
//
// The result of ADD (SPEC §5.1), in the shape shared by versions 0.3.0 to
// 1.0.0: what an IPAM plugin returns, what a previous plugin of a chain
// passes on (prevResult), and what vmux-cni prints.

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "route.hpp"

namespace vmux::cni {

struct Interface {
	std::string name;
	std::string mac;	// "" if unknown
	std::string sandbox;	// the netns path; "" for the host
};

struct IpConfig {
	std::optional<unsigned int> interface;	// index into interfaces
	IpPrefix address;			// "10.9.0.2/24"
	std::optional<IpPrefix> gateway;	// a host prefix
};

struct Route {
	IpPrefix dst;
	std::optional<IpPrefix> gw;
};

struct Dns {
	std::vector<std::string> nameservers;
	std::string domain;
	std::vector<std::string> search;
	std::vector<std::string> options;

	bool empty() const
	{
		return nameservers.empty() && domain.empty() && search.empty() && options.empty();
	}
};

struct Result {
	std::string cni_version;	// as received; output takes the config's
	std::vector<Interface> interfaces;
	std::vector<IpConfig> ips;
	std::vector<Route> routes;
	Dns dns;
};

// A result on its own (an IPAM plugin's stdout). Error code 999 naming
// the plugin if it is not a result of a supported version.
Result parse_result(std::string_view text, std::string_view from);

// The result as version prints it: 0.3.x and 0.4.0 give every IP a
// "version" ("4", "6"); keys in the SPEC's order, empty lists left out.
std::string result_json(const Result &result, std::string_view version);

} // namespace vmux::cni
