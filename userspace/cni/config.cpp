// SPDX-License-Identifier: GPL-2.0

#include "config.hpp"

#include <linux/if_ether.h>
#include <linux/vmux.h>

#include <fmt/core.h>
#include <fmt/format.h>

#include "args.hpp"
#include "error.hpp"
#include "json.hpp"
#include "kinds/kind.hpp"

namespace vmux::cni {

namespace {

bool has(const Json &j, const char *key)
{
	return j.contains(key) && !j[key].is_null();
}

std::optional<std::string> get_string(const Json &j, const char *key)
{
	if (!has(j, key))
		return std::nullopt;
	if (!j[key].is_string())
		throw Error(invalid_config, fmt::format("invalid \"{}\": {} is not a string", key,
							dump_text(j[key])));
	std::string value = j[key].get<std::string>();
	// A NUL would cut the string where C sees it (a plugin name, a device).
	if (value.find('\0') != std::string::npos)
		throw Error(invalid_config, fmt::format("invalid \"{}\": {} holds a NUL character",
							key, dump_text(j[key])));
	return value;
}

std::optional<std::int64_t> get_integer(const Json &j, const char *key)
{
	if (!has(j, key))
		return std::nullopt;
	if (!j[key].is_number_integer())
		throw Error(invalid_config, fmt::format("invalid \"{}\": {} is not an integer", key,
							dump_text(j[key])));
	if (j[key].is_number_unsigned() && j[key].get<std::uint64_t>() > INT64_MAX)
		return INT64_MAX;
	return j[key].get<std::int64_t>();
}

bool get_bool(const Json &j, const char *key)
{
	if (!has(j, key))
		return false;
	if (!j[key].is_boolean())
		throw Error(invalid_config, fmt::format("invalid \"{}\": {} is not true or false",
							key, dump_text(j[key])));
	return j[key].get<bool>();
}

const Option &row_of(const Kind &kind, std::string_view keyword)
{
	for (const Option &row : kind.options)
		if (row.keyword == keyword)
			return row;
	throw std::logic_error(fmt::format("kind {} has no option {}", kind.name, keyword));
}

// The row's choice spelled word; code 2 listing the others (skipping the
// ones vmux-cni cannot use) otherwise.
std::string choose_word(const Kind &kind, std::string_view keyword, const char *key,
			std::string_view word, std::string_view except = {})
{
	std::vector<std::string_view> names;

	for (const Choice &choice : row_of(kind, keyword).choices) {
		if (choice.name == except)
			continue;
		if (choice.name == word)
			return std::string(word);
		names.push_back(choice.name);
	}
	throw Error(unsupported_field, fmt::format("unknown {} {}: \"{}\" (\"{}\" must be {})",
						   kind.name, key, word, key,
						   fmt::join(names, ", ")));
}

void refuse(const Json &j, const char *key, const Kind &kind, std::string_view why = {})
{
	if (has(j, key))
		throw Error(unsupported_field, fmt::format("\"{}\" is not supported by kind \"{}\": {}{}",
							   key, kind.name, dump_text(j[key]), why));
}

Bytes parse_mac(std::string_view text, std::string_view source)
{
	auto mac = parse_lladdr(text);

	// A MAC a device can have: six bytes, unicast.
	if (!mac || mac->size() != ETH_ALEN || ((*mac)[0] & 1))
		throw Error(invalid_config, fmt::format("invalid {} MAC address: \"{}\"", source, text));
	return *mac;
}

} // namespace

NetConf parse_config(std::string_view stdin_data, const CniArgs &args)
{
	Json j = Json::parse(stdin_data, nullptr, false);

	if (j.is_discarded() || !j.is_object())
		throw Error(decode_failure, "error unmarshall network config: not a JSON object");

	NetConf conf;
	conf.cni_version = get_string(j, "cniVersion").value_or("");
	conf.name = get_string(j, "name").value_or("");
	conf.type = get_string(j, "type").value_or("");

	auto kind_name = get_string(j, "kind");
	if (!kind_name)
		throw Error(invalid_config, "\"kind\" is required: macvlan, ipvlan or vlan");
	const Kind *kind = find_kind(*kind_name);
	if (!kind || kind->name != *kind_name)
		throw Error(unsupported_field, fmt::format("unsupported \"kind\": \"{}\" (must be "
							   "macvlan, ipvlan or vlan)", *kind_name));
	conf.kind = kind;
	bool macvlan = kind->name == "macvlan", ipvlan = kind->name == "ipvlan";
	bool vlan = kind->name == "vlan";

	conf.master = get_string(j, "master").value_or("");
	if (!conf.master.empty() && !valid_ifname(conf.master))
		throw Error(invalid_config, fmt::format("invalid \"master\": \"{}\" is not an "
							"interface name", conf.master));

	// Each kind's keys; another kind's is a mistake worth naming.
	if (vlan) {
		refuse(j, "mode", *kind);
	} else {
		std::string mode = get_string(j, "mode").value_or("");
		if (mode.empty())
			mode = macvlan ? "bridge" : "l2";
		// source needs a list of source MACs no CNI config carries.
		conf.mode = choose_word(*kind, "mode", "mode", mode, macvlan ? "source" : "");
	}
	if (ipvlan) {
		if (auto flags = get_string(j, "flags"))
			conf.flags = choose_word(*kind, "flags", "flags", *flags);
		conf.keep_port_mode = get_bool(j, "keepPortMode");
	} else {
		refuse(j, "flags", *kind);
		refuse(j, "keepPortMode", *kind);
	}
	if (vlan) {
		auto id = get_integer(j, "vlanId").value_or(0);
		const Option &row = row_of(*kind, "id");
		if (id < row.min || id > row.max)
			throw Error(invalid_config, fmt::format("invalid VLAN ID {} (\"vlanId\" must be "
								"between {} and {} inclusive)", id,
								row.min, row.max));
		conf.vlan_id = static_cast<std::uint16_t>(id);
		if (auto proto = get_string(j, "protocol"))
			conf.protocol = choose_word(*kind, "protocol", "protocol", *proto);
	} else {
		refuse(j, "vlanId", *kind);
		refuse(j, "protocol", *kind);
	}
	if (macvlan) {
		if (auto len = get_integer(j, "bcqueuelen")) {
			const Option &row = row_of(*kind, "bcqueuelen");
			if (*len < row.min || *len > row.max)
				throw Error(invalid_config, fmt::format("invalid \"bcqueuelen\": {} (must "
									"be {}-{})", *len, row.min,
									row.max));
			conf.bcqueuelen = static_cast<std::uint32_t>(*len);
		}
	} else {
		refuse(j, "bcqueuelen", *kind);
	}

	if (auto mtu = get_integer(j, "mtu")) {
		// The upper bound is the master's, checked when it is known.
		if (*mtu < 0 || *mtu > UINT32_MAX)
			throw Error(invalid_config, fmt::format("invalid MTU {}, must be [0, master MTU]",
								*mtu));
		conf.mtu = static_cast<std::uint32_t>(*mtu);
	}

	// The MAC: the config's, then CNI_ARGS', then the runtime's capability.
	std::optional<std::string> mac = get_string(j, "mac");
	std::string mac_source = "\"mac\"";
	if (args.mac) {
		mac = args.mac;
		mac_source = "CNI_ARGS MAC";
	}
	if (has(j, "runtimeConfig")) {
		const Json &rc = j["runtimeConfig"];
		if (!rc.is_object())
			throw Error(invalid_config, fmt::format("invalid \"runtimeConfig\": {}",
								dump_text(rc)));
		if (auto rc_mac = get_string(rc, "mac")) {
			mac = rc_mac;
			mac_source = "runtimeConfig \"mac\"";
		}
	}
	if (mac && !mac->empty()) {
		if (ipvlan)
			throw Error(unsupported_field, fmt::format("{} is not supported by kind \"ipvlan\": "
								   "\"{}\" (an ipvlan has its master's "
								   "MAC address)", mac_source, *mac));
		conf.mac = parse_mac(*mac, mac_source);
	}

	conf.link_in_container = get_bool(j, "linkInContainer");

	if (has(j, "ipam")) {
		if (!j["ipam"].is_object())
			throw Error(invalid_config, fmt::format("invalid \"ipam\": {} is not an object",
								dump_text(j["ipam"])));
		conf.ipam_type = get_string(j["ipam"], "type").value_or("");
	}
	if (has(j, "dns"))
		conf.dns = dns_from_json(j["dns"], "config", invalid_config);
	if (has(j, "prevResult"))
		conf.prev_result = result_from_json(j["prevResult"], "prevResult", invalid_config);

	// Only a macvlan may come up without addresses, as in the reference
	// plugins; chained, the previous plugin's addresses will do.
	if (!macvlan && conf.ipam_type.empty() && !(conf.prev_result && !conf.prev_result->ips.empty()))
		throw Error(invalid_config, fmt::format("\"ipam\" with a \"type\" is required for kind "
							"\"{}\"", kind->name));
	// The reference vlan needs its master; chained, the previous
	// plugin's interface stands for it, as ipvlan's does.
	if (vlan && conf.master.empty() && !conf.prev_result)
		throw Error(invalid_config, "\"master\" field is required. It specifies the host "
					    "interface name to create the VLAN for.");
	return conf;
}

NetConf parse_del_config(std::string_view stdin_data)
{
	Json j = Json::parse(stdin_data, nullptr, false);

	if (j.is_discarded() || !j.is_object())
		throw Error(decode_failure, "error unmarshall network config: not a JSON object");

	auto text = [](const Json &o, const char *key) {
		return o.is_object() && o.contains(key) && o[key].is_string()
			       ? o[key].get<std::string>() : std::string();
	};
	NetConf conf;
	conf.cni_version = text(j, "cniVersion");
	conf.name = text(j, "name");
	conf.type = text(j, "type");
	std::string kind = text(j, "kind");
	if (const Kind *k = find_kind(kind); k && k->name == kind)
		conf.kind = k;
	if (j.contains("ipam"))
		conf.ipam_type = text(j["ipam"], "type");
	return conf;
}

LinkRequest create_request(const NetConf &conf, std::string_view name, std::uint32_t master,
			   bool port_mode)
{
	const Kind &kind = *conf.kind;
	std::vector<std::string> words;
	LinkRequest req(LinkRequest::Op::add);

	req.name(std::string(name)).link(master);
	if (conf.mtu)
		req.mtu(conf.mtu);
	if (conf.mac)
		req.address(*conf.mac);
	if (kind.name == "macvlan") {
		// Always the mode: vmux_macvlan's default is vepa, the
		// reference plugin's bridge.
		words = {"mode", conf.mode};
		if (conf.bcqueuelen)
			words.insert(words.end(), {"bcqueuelen", std::to_string(*conf.bcqueuelen)});
	} else if (kind.name == "ipvlan") {
		if (!port_mode) {
			req.kind({std::string(kind.kernel_kind), std::nullopt});
			return req;
		}
		words = {"mode", conf.mode};
		if (!conf.flags.empty())
			words.push_back(conf.flags);
	} else {
		words = {"id", std::to_string(conf.vlan_id)};
		if (!conf.protocol.empty())
			words.insert(words.end(), {"protocol", conf.protocol});
	}
	Args args(words);
	req.kind({std::string(kind.kernel_kind), parse_kind_args(kind, args)});
	return req;
}

} // namespace vmux::cni
