// SPDX-License-Identifier: GPL-2.0
//
// ip link's plugins for the vmux kinds: with link_vmux_vlan.so,
// link_vmux_macvlan.so and link_vmux_ipvlan.so in ip's library directory,
// "ip link add ... type vmux_macvlan mode bridge", "ip link set ... type
// vmux_vlan ..." and "ip -d [-j] link show" work on vmux devices, parsed
// and printed by the same option tables as the vmux CLI.
//
// ip dlopen()s link_<kind>.so and looks up <kind>_link_util. That
// interface is iproute2's internal one, not an ABI, so the plugin is
// pinned to the ip it was built against: the ELF build-id of that ip is
// compiled in (VMUX_IP_BUILD_ID) and compared with the running program's.
// Any other program, or another build of ip, finds the plugin inert: it
// parses nothing (ip then refuses the kind's arguments, with our reason)
// and prints nothing (ip shows the rest). ip's own functions are looked up
// with dlsym(), never bound by the dynamic linker, so a missing one makes
// the plugin inert too rather than ip abort.

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <dlfcn.h>
#include <elf.h>
#include <fmt/core.h>
#include <link.h>
#include <linux/rtnetlink.h>
#include <linux/vmux.h>

#include "args.hpp"
#include "error.hpp"
#include "kinds/kind.hpp"
#include "link_info.hpp"
#include "printer.hpp"

#ifndef VMUX_IP_BUILD_ID
#error "VMUX_IP_BUILD_ID: the build-id of the ip this plugin is for"
#endif

// iproute2's struct link_util (ip/ip_common.h), the same from 5.10 to 6.18.
extern "C" struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *, int, char **, struct nlmsghdr *);
	void (*print_opt)(struct link_util *, FILE *, struct rtattr *[]);
	void (*print_xstats)(struct link_util *, FILE *, struct rtattr *);
	void (*print_help)(struct link_util *, int, char **, FILE *);
	int (*parse_ifla_xstats)(struct link_util *, int, char **);
	int (*print_ifla_xstats)(struct nlmsghdr *, void *);
};

namespace vmux {
namespace {

// ip's enum output_type and enum color_attr (include/json_print.h, color.h).
constexpr int print_json = 2;
constexpr int color_none = 6;
// The room ip's iplink_req leaves for attributes, as ip's own plugins assume.
constexpr int req_room = 1024;

// The functions of ip the plugin calls.
struct IpApi {
	int (*addattr_l)(struct nlmsghdr *, int, int, const void *, int);
	bool (*is_json_context)();
	void (*open_json_object)(const char *);
	void (*close_json_object)();
	void (*open_json_array)(int, const char *);
	void (*close_json_array)(int, const char *);
	int (*print_color_s64)(int, int, const char *, const char *, std::int64_t);
	int (*print_color_u64)(int, int, const char *, const char *, std::uint64_t);
	int (*print_color_bool)(int, int, const char *, const char *, bool);
	int (*print_color_string)(int, int, const char *, const char *, const char *);
	int (*print_color_null)(int, int, const char *, const char *, const char *);
};

template <typename Fn> bool bind(Fn &fn, const char *name)
{
	fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
	return fn != nullptr;
}

// The running program's GNU build-id, as hex.
int build_id_of(struct dl_phdr_info *info, size_t, void *data)
{
	auto *out = static_cast<std::string *>(data);

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) &ph = info->dlpi_phdr[i];
		const char *p = reinterpret_cast<const char *>(info->dlpi_addr + ph.p_vaddr);
		const char *end = p + ph.p_memsz;

		if (ph.p_type != PT_NOTE)
			continue;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const auto *note = reinterpret_cast<const ElfW(Nhdr) *>(p);
			const char *name = p + sizeof(*note);
			const char *desc = name + ((note->n_namesz + 3) & ~3U);

			if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
			    std::memcmp(name, "GNU", 4) == 0 && desc + note->n_descsz <= end) {
				for (unsigned int j = 0; j < note->n_descsz; j++)
					*out += fmt::format("{:02x}", static_cast<unsigned char>(desc[j]));
				return 1;
			}
			p = desc + ((note->n_descsz + 3) & ~3U);
		}
	}
	// The first object is the program itself: stop there.
	return 1;
}

// Whether this is the ip the plugin was built for; why not, if not.
struct Binding {
	IpApi api{};
	std::string why_not;
};

const Binding &binding()
{
	static const Binding b = [] {
		Binding b;
		std::string id;

		dl_iterate_phdr(build_id_of, &id);
		if (id != VMUX_IP_BUILD_ID) {
			b.why_not = fmt::format("built for the ip with build-id {}, this program's is {}",
						VMUX_IP_BUILD_ID, id.empty() ? "unknown" : id);
			return b;
		}
		IpApi &a = b.api;
		if (!(bind(a.addattr_l, "addattr_l") && bind(a.is_json_context, "is_json_context") &&
		      bind(a.open_json_object, "open_json_object") &&
		      bind(a.close_json_object, "close_json_object") &&
		      bind(a.open_json_array, "open_json_array") &&
		      bind(a.close_json_array, "close_json_array") &&
		      bind(a.print_color_s64, "print_color_s64") &&
		      bind(a.print_color_u64, "print_color_u64") &&
		      bind(a.print_color_bool, "print_color_bool") &&
		      bind(a.print_color_string, "print_color_string") &&
		      bind(a.print_color_null, "print_color_null")))
			b.why_not = "this ip lacks a function the plugin calls";
		return b;
	}();
	return b;
}

// Said once per process, on stderr, where ip says what it refuses.
bool usable(const char *kind)
{
	static bool told;
	const Binding &b = binding();

	if (b.why_not.empty())
		return true;
	if (!told)
		std::fprintf(stderr, "vmux: the link_%s.so plugin is not used: %s; use \"vmux link\".\n",
			     kind, b.why_not.c_str());
	told = true;
	return false;
}

// JSON into ip's own writer.
class IpJson final : public JsonSink {
public:
	explicit IpJson(const IpApi &api) : api_(api) {}

	void value(std::string_view key, std::int64_t v) override
	{
		api_.print_color_s64(print_json, color_none, name(key), nullptr, v);
	}
	void value(std::string_view key, std::uint64_t v) override
	{
		api_.print_color_u64(print_json, color_none, name(key), nullptr, v);
	}
	void value(std::string_view key, bool v) override
	{
		api_.print_color_bool(print_json, color_none, name(key), nullptr, v);
	}
	void value(std::string_view key, std::string_view v) override
	{
		std::string s(v);
		api_.print_color_string(print_json, color_none, name(key), nullptr, s.c_str());
	}
	void null(std::string_view key) override
	{
		api_.print_color_null(print_json, color_none, name(key), nullptr, nullptr);
	}
	void open_object(std::string_view key) override { api_.open_json_object(name(key)); }
	void close_object() override { api_.close_json_object(); }
	void open_array(std::string_view key) override { api_.open_json_array(print_json, name(key)); }
	void close_array() override { api_.close_json_array(print_json, nullptr); }

private:
	// NUL-terminated, or null for an array element.
	const char *name(std::string_view key)
	{
		key_.assign(key);
		return key.empty() ? nullptr : key_.c_str();
	}

	const IpApi &api_;
	std::string key_;
};

const Kind &kind_of(const link_util *lu)
{
	return *find_kind(lu->id);
}

int parse_opt(link_util *lu, int argc, char **argv, struct nlmsghdr *n)
{
	if (!usable(lu->id))
		return -1;
	try {
		const std::vector<std::string> words(argv, argv + argc);
		Args args(words);
		Attrs data = parse_kind_args(kind_of(lu), args);
		const IpApi &ip = binding().api;

		for (const auto &[type, attr] : data) {
			int t = type | (attr.nested ? NLA_F_NESTED : 0);
			if (ip.addattr_l(n, req_room, t, attr.payload.data(),
					 static_cast<int>(attr.payload.size())))
				return -1;
		}
		return 0;
	} catch (const HelpRequest &help) {
		std::fputs(help.what(), stderr);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "%s\n", e.what());
	}
	return -1;
}

// tb: IFLA_INFO_DATA by type up to lu->maxattr, or null without it.
void print_opt(link_util *lu, FILE *f, struct rtattr *tb[])
{
	if (!usable(lu->id) || !tb)
		return;
	try {
		Attrs data;

		for (int type = 1; type <= lu->maxattr; type++)
			if (tb[type])
				data.put(static_cast<std::uint16_t>(type),
					 {static_cast<const std::uint8_t *>(RTA_DATA(tb[type])),
					  RTA_PAYLOAD(tb[type])});
		const IpApi &ip = binding().api;
		if (ip.is_json_context()) {
			IpJson sink(ip);
			Printer out(sink);
			print_kind_data(kind_of(lu), data, out);
		} else {
			Printer out(false);
			print_kind_data(kind_of(lu), data, out);
			std::fputs(out.take().c_str(), f);
		}
	} catch (const std::exception &e) {
		std::fprintf(stderr, "vmux: %s\n", e.what());
	}
}

// "ip -d -s link show": vmux's drop counters, as "vmux -s link show" has
// them ("vmux_drops" there, "info_xstats" here).
void print_xstats(link_util *lu, FILE *f, struct rtattr *xstats)
{
	if (!usable(lu->id) || !xstats)
		return;
	Attrs nests = Attrs::decode({static_cast<const std::uint8_t *>(RTA_DATA(xstats)),
				     RTA_PAYLOAD(xstats)});
	const IpApi &ip = binding().api;
	bool json = ip.is_json_context();
	std::string text;

	for (auto [type, title] : {std::pair{IFLA_VMUX_XSTATS_DEV, "dev"},
				   std::pair{IFLA_VMUX_XSTATS_PORT, "port"}}) {
		auto drops = parse_drop_counters(nests, type);

		if (!drops)
			continue;
		if (json)
			ip.open_json_object(title);
		else
			text += fmt::format("\n      vmux {}drops:", type == IFLA_VMUX_XSTATS_PORT ? "port " : "");
		for (std::size_t reason = 0; reason < drops->size(); reason++) {
			std::string name(drop_reason_name(reason));
			if (json)
				ip.print_color_u64(print_json, color_none, name.c_str(), nullptr,
						   (*drops)[reason]);
			else
				text += fmt::format(" {} {}", name, (*drops)[reason]);
		}
		if (json)
			ip.close_json_object();
	}
	if (!json)
		std::fputs((text + " ").c_str(), f);
}

void print_help(link_util *lu, int, char **, FILE *f)
{
	std::fputs(kind_help(kind_of(lu)).c_str(), f);
}

constexpr link_util util(const char *id, int maxattr)
{
	return {nullptr, id, maxattr, parse_opt, print_opt, print_xstats, print_help, nullptr, nullptr};
}

} // namespace
} // namespace vmux

// The symbols ip looks up: <kind>_link_util. Nothing else is exported
// (link_vmux.map).
extern "C" {
link_util vmux_vlan_link_util = vmux::util(VMUX_KIND_VLAN, IFLA_VMUX_VLAN_MAX);
link_util vmux_macvlan_link_util = vmux::util(VMUX_KIND_MACVLAN, IFLA_VMUX_MACVLAN_MAX);
link_util vmux_ipvlan_link_util = vmux::util(VMUX_KIND_IPVLAN, IFLA_VMUX_IPVLAN_MAX);
}
