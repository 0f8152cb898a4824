// SPDX-License-Identifier: GPL-2.0

#include "xdp.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/core.h>
#include <linux/if_link.h>
#include <unistd.h>

namespace vmux {
namespace {

// libbpf's messages: its warnings always, the rest with "verbose", as ip.
bool verbose_libbpf;

int libbpf_print(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose_libbpf)
		return 0;
	return std::vfprintf(stderr, format, args);
}

std::runtime_error bpf_error(std::string_view what, const std::string &file, int err)
{
	return std::runtime_error(fmt::format("{} \"{}\": {}", what, file, std::strerror(err)));
}

} // namespace

XdpProgram xdp_load_object(const std::string &file, std::string_view section, int ifindex,
			   bool verbose)
{
	verbose_libbpf = verbose;
	libbpf_set_print(libbpf_print);

	bpf_object *raw = bpf_object__open_file(file.c_str(), nullptr);
	if (!raw)
		throw bpf_error("Cannot open BPF object", file, errno);
	std::shared_ptr<bpf_object> obj(raw, bpf_object__close);

	// ip-link(8): "The default section name for xdp is prog".
	if (section.empty())
		section = "prog";
	bpf_program *chosen = nullptr, *prog;
	bpf_object__for_each_program(prog, obj.get()) {
		bool wanted = !chosen && section == bpf_program__section_name(prog);

		// Only the chosen program is loaded, as an XDP program.
		bpf_program__set_autoload(prog, wanted);
		if (!wanted)
			continue;
		bpf_program__set_type(prog, BPF_PROG_TYPE_XDP);
		if (ifindex)
			bpf_program__set_ifindex(prog, ifindex);
		chosen = prog;
	}
	if (!chosen)
		throw std::runtime_error(
			fmt::format("No section \"{}\" in BPF object \"{}\"", section, file));
	if (int err = bpf_object__load(obj.get()))
		throw bpf_error("Cannot load BPF object", file, -err);
	return {bpf_program__fd(chosen), obj};
}

XdpProgram xdp_load_pinned(const std::string &path)
{
	int fd = bpf_obj_get(path.c_str());

	if (fd < 0)
		throw bpf_error("Cannot get the pinned program", path, errno);
	return {fd, std::shared_ptr<const void>(nullptr, [fd](const void *) { ::close(fd); })};
}

Bytes xdp_request_nest(int fd, std::uint32_t flags)
{
	Bytes nest;
	auto sfd = static_cast<std::int32_t>(fd);

	append_attr(nest, IFLA_XDP_FD, bytes_of(sfd));
	if (flags)
		append_attr(nest, IFLA_XDP_FLAGS, bytes_of(flags));
	return nest;
}

std::optional<BpfProgInfo> bpf_prog_info(std::uint32_t id)
{
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return std::nullopt;
	struct ::bpf_prog_info info{};
	std::uint32_t len = sizeof(info);
	int err = bpf_obj_get_info_by_fd(fd, &info, &len);
	::close(fd);
	if (err || !len)
		return std::nullopt;

	BpfProgInfo out;
	out.name = std::string(info.name, strnlen(info.name, sizeof(info.name)));
	for (unsigned char byte : info.tag)
		out.tag += fmt::format("{:02x}", byte);
	out.jited = info.jited_prog_len != 0;
	out.load_time = info.load_time;
	out.created_by_uid = info.created_by_uid;
	out.btf_id = info.btf_id;
	return out;
}

} // namespace vmux
