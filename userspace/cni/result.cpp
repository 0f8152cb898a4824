// SPDX-License-Identifier: GPL-2.0

#include "result.hpp"

#include <sys/socket.h>

#include <fmt/core.h>

#include "error.hpp"
#include "json.hpp"
#include "version.hpp"

namespace vmux::cni {

namespace {

std::string string_at(const Json &j, const char *key, std::string_view what, unsigned int code)
{
	if (!j.contains(key) || j[key].is_null())
		return {};
	if (!j[key].is_string())
		throw Error(code, fmt::format("invalid {}: \"{}\" must be a string, not {}", what, key,
					      dump_text(j[key])));
	return j[key].get<std::string>();
}

std::vector<std::string> strings_at(const Json &j, const char *key, std::string_view what,
				    unsigned int code)
{
	std::vector<std::string> out;

	if (!j.contains(key) || j[key].is_null())
		return out;
	if (!j[key].is_array())
		throw Error(code, fmt::format("invalid {}: \"{}\" must be a list of strings, not {}",
					      what, key, dump_text(j[key])));
	for (const Json &e : j[key]) {
		if (!e.is_string())
			throw Error(code, fmt::format("invalid {}: \"{}\" must be a list of strings, "
						      "not {}", what, key, dump_text(j[key])));
		out.push_back(e.get<std::string>());
	}
	return out;
}

const Json &array_at(const Json &j, const char *key, std::string_view what, unsigned int code)
{
	static const Json empty = Json::array();

	if (!j.contains(key) || j[key].is_null())
		return empty;
	if (!j[key].is_array())
		throw Error(code, fmt::format("invalid {}: \"{}\" must be a list, not {}", what, key,
					      dump_text(j[key])));
	return j[key];
}

IpPrefix prefix_at(const Json &j, const char *key, std::string_view what, unsigned int code)
{
	std::string text = string_at(j, key, what, code);
	auto prefix = parse_prefix(text);

	if (!prefix)
		throw Error(code, fmt::format("invalid {}: \"{}\" is not an address/prefix: \"{}\"",
					      what, key, text));
	return *prefix;
}

std::optional<IpPrefix> ip_at(const Json &j, const char *key, std::string_view what,
			      unsigned int code)
{
	std::string text = string_at(j, key, what, code);

	if (text.empty())
		return std::nullopt;
	auto ip = parse_ip(text);
	if (!ip)
		throw Error(code, fmt::format("invalid {}: \"{}\" is not an IP address: \"{}\"", what,
					      key, text));
	return ip;
}

} // namespace

Dns dns_from_json(const Json &j, std::string_view what, unsigned int code)
{
	Dns dns;

	if (j.is_null())
		return dns;
	if (!j.is_object())
		throw Error(code, fmt::format("invalid {}: \"dns\" must be an object, not {}", what,
					      dump_text(j)));
	dns.nameservers = strings_at(j, "nameservers", what, code);
	dns.domain = string_at(j, "domain", what, code);
	dns.search = strings_at(j, "search", what, code);
	dns.options = strings_at(j, "options", what, code);
	return dns;
}

Result result_from_json(const Json &j, std::string_view what, unsigned int code)
{
	Result result;

	if (!j.is_object())
		throw Error(code, fmt::format("invalid {}: not an object: {}", what, dump_text(j)));
	result.cni_version = string_at(j, "cniVersion", what, code);
	// 0.1.0 and 0.2.0 have another shape ("ip4", "ip6"): not ours.
	if (!result.cni_version.empty() && !is_supported(result.cni_version))
		throw Error(code, fmt::format("invalid {}: unsupported cniVersion \"{}\"", what,
					      result.cni_version));
	for (const Json &e : array_at(j, "interfaces", what, code)) {
		Interface iface;

		if (!e.is_object())
			throw Error(code, fmt::format("invalid {}: interface {}", what, dump_text(e)));
		iface.name = string_at(e, "name", what, code);
		iface.mac = string_at(e, "mac", what, code);
		iface.sandbox = string_at(e, "sandbox", what, code);
		result.interfaces.push_back(std::move(iface));
	}
	for (const Json &e : array_at(j, "ips", what, code)) {
		IpConfig ip;

		if (!e.is_object())
			throw Error(code, fmt::format("invalid {}: ip {}", what, dump_text(e)));
		if (e.contains("interface") && !e["interface"].is_null()) {
			if (!e["interface"].is_number_unsigned() ||
			    e["interface"].get<std::uint64_t>() >= result.interfaces.size())
				throw Error(code, fmt::format("invalid {}: \"interface\" {} names no "
							      "interface", what,
							      dump_text(e["interface"])));
			ip.interface = e["interface"].get<unsigned int>();
		}
		ip.address = prefix_at(e, "address", what, code);
		ip.gateway = ip_at(e, "gateway", what, code);
		if (ip.gateway && ip.gateway->family != ip.address.family)
			throw Error(code, fmt::format("invalid {}: gateway {} of {} is of another "
						      "family", what, ip.gateway->addr_str(),
						      ip.address.str()));
		result.ips.push_back(std::move(ip));
	}
	for (const Json &e : array_at(j, "routes", what, code)) {
		Route route;

		if (!e.is_object())
			throw Error(code, fmt::format("invalid {}: route {}", what, dump_text(e)));
		route.dst = prefix_at(e, "dst", what, code);
		route.gw = ip_at(e, "gw", what, code);
		if (route.gw && route.gw->family != route.dst.family)
			throw Error(code, fmt::format("invalid {}: gw {} of route {} is of another "
						      "family", what, route.gw->addr_str(),
						      route.dst.str()));
		result.routes.push_back(std::move(route));
	}
	if (j.contains("dns"))
		result.dns = dns_from_json(j["dns"], what, code);
	return result;
}

Result parse_result(std::string_view text, std::string_view from)
{
	Json j = Json::parse(text, nullptr, false);

	if (j.is_discarded())
		throw Error(internal, fmt::format("{} printed no JSON result", from),
			    std::string(text));
	return result_from_json(j, fmt::format("result of {}", from), internal);
}

std::string result_json(const Result &result, std::string_view version)
{
	bool with_ip_version = compare_versions(version, "1.0.0") < 0;
	OrderedJson j;

	j["cniVersion"] = version;
	if (!result.interfaces.empty()) {
		OrderedJson list = OrderedJson::array();

		for (const Interface &iface : result.interfaces) {
			OrderedJson e;

			e["name"] = iface.name;
			if (!iface.mac.empty())
				e["mac"] = iface.mac;
			if (!iface.sandbox.empty())
				e["sandbox"] = iface.sandbox;
			list.push_back(std::move(e));
		}
		j["interfaces"] = std::move(list);
	}
	if (!result.ips.empty()) {
		OrderedJson list = OrderedJson::array();

		for (const IpConfig &ip : result.ips) {
			OrderedJson e;

			if (with_ip_version)
				e["version"] = ip.address.family == AF_INET6 ? "6" : "4";
			if (ip.interface)
				e["interface"] = *ip.interface;
			e["address"] = ip.address.str();
			if (ip.gateway)
				e["gateway"] = ip.gateway->addr_str();
			list.push_back(std::move(e));
		}
		j["ips"] = std::move(list);
	}
	if (!result.routes.empty()) {
		OrderedJson list = OrderedJson::array();

		for (const Route &route : result.routes) {
			OrderedJson e;

			e["dst"] = route.dst.str();
			if (route.gw)
				e["gw"] = route.gw->addr_str();
			list.push_back(std::move(e));
		}
		j["routes"] = std::move(list);
	}
	OrderedJson dns = OrderedJson::object();
	if (!result.dns.nameservers.empty())
		dns["nameservers"] = result.dns.nameservers;
	if (!result.dns.domain.empty())
		dns["domain"] = result.dns.domain;
	if (!result.dns.search.empty())
		dns["search"] = result.dns.search;
	if (!result.dns.options.empty())
		dns["options"] = result.dns.options;
	j["dns"] = std::move(dns);
	return dump_text(j, 4);
}

} // namespace vmux::cni
