// SPDX-License-Identifier: GPL-2.0

#include "ipam.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>
#include <fmt/format.h>

#include "error.hpp"
#include "json.hpp"
#include "message.hpp"

extern char **environ;

namespace vmux::cni {

namespace {

struct Pipe {
	UniqueFd read, write;
};

Pipe make_pipe()
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		throw Error(internal, fmt::format("pipe: {}", std::strerror(errno)));
	return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Feed stdin and collect stdout together: neither side can fill a pipe
// and wait for the other.
std::string exchange(UniqueFd in, UniqueFd out, std::string_view data)
{
	std::string output;
	std::size_t written = 0;

	if (data.empty())
		in = UniqueFd();
	while (out) {
		pollfd fds[2] = {{out.get(), POLLIN, 0}, {in ? in.get() : -1, POLLOUT, 0}};

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			throw Error(internal, fmt::format("poll: {}", std::strerror(errno)));
		}
		if (in && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(in.get(), data.data() + written, data.size() - written);

			// EPIPE: the plugin does not want the rest (SIGPIPE is ignored).
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				in = UniqueFd();
			else if (n > 0 && (written += static_cast<std::size_t>(n)) == data.size())
				in = UniqueFd();
		}
		if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			char buf[4096];
			ssize_t n = read(out.get(), buf, sizeof(buf));

			if (n > 0)
				output.append(buf, static_cast<std::size_t>(n));
			else if (n == 0 || errno != EINTR)
				out = UniqueFd();
		}
	}
	return output;
}

} // namespace

std::string find_plugin(std::string_view type, const std::vector<std::string> &path)
{
	if (type.empty())
		throw Error(internal, "no plugin name provided");
	// A type is a file name, never a path out of CNI_PATH.
	if (type.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos &&
	    type != "." && type != "..") {
		for (const std::string &dir : path) {
			std::string file = fmt::format("{}/{}", dir, type);
			struct stat st, self;

			if (stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
			    access(file.c_str(), X_OK) != 0)
				continue;
			if (stat("/proc/self/exe", &self) == 0 && self.st_dev == st.st_dev &&
			    self.st_ino == st.st_ino)
				throw Error(invalid_config, fmt::format("\"ipam\" names {}: vmux-cni is "
									"no IPAM plugin", file));
			return file;
		}
	}
	throw Error(internal, fmt::format("failed to find plugin \"{}\" in path [{}]", type,
					  fmt::join(path, " ")));
}

std::string exec_plugin(const std::string &file, std::string_view command,
			std::string_view stdin_data)
{
	std::vector<std::string> env_strings;
	const std::string marker = fmt::format("{}=", delegate_marker);
	for (char **e = environ; *e; e++)
		if (!std::string_view(*e).starts_with("CNI_COMMAND=") &&
		    !std::string_view(*e).starts_with(marker))
			env_strings.emplace_back(*e);
	env_strings.push_back(fmt::format("CNI_COMMAND={}", command));
	env_strings.push_back(marker + "1");
	std::vector<char *> envp;
	for (std::string &s : env_strings)
		envp.push_back(s.data());
	envp.push_back(nullptr);
	std::string argv0 = file;
	char *argv[] = {argv0.data(), nullptr};

	// ETXTBSY: the binary is being written (an installer); libcni retries
	// five times, a second apart.
	for (int attempt = 0;; attempt++) {
		Pipe in = make_pipe(), out = make_pipe(), status = make_pipe();
		pid_t pid = fork();

		if (pid < 0)
			throw Error(internal, fmt::format("fork: {}", std::strerror(errno)));
		if (pid == 0) {
			// The child's stderr is ours: its diagnostics reach the runtime.
			if (dup2(in.read.get(), STDIN_FILENO) < 0 ||
			    dup2(out.write.get(), STDOUT_FILENO) < 0)
				_exit(127);
			execve(file.c_str(), argv, envp.data());
			int err = errno;
			(void)!write(status.write.get(), &err, sizeof(err));
			_exit(127);
		}
		in.read = UniqueFd();
		out.write = UniqueFd();
		status.write = UniqueFd();
		int exec_errno = 0;
		bool exec_failed = read(status.read.get(), &exec_errno, sizeof(exec_errno)) ==
				   sizeof(exec_errno);
		std::string output;
		if (!exec_failed)
			output = exchange(std::move(in.write), std::move(out.read), stdin_data);
		int wstatus = 0;
		while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
			;
		if (exec_failed) {
			if (exec_errno == ETXTBSY && attempt < 4) {
				sleep(1);
				continue;
			}
			throw Error(internal, fmt::format("cannot run {}: {}", file,
							  std::strerror(exec_errno)));
		}
		if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
			return output;

		// libcni reads the error object from stdout.
		Json err = Json::parse(output, nullptr, false);
		// A CNI error code is 1 or more and fits the uint the SPEC says.
		if (err.is_object() && err.contains("code") && err["code"].is_number_unsigned() &&
		    err["code"].get<std::uint64_t>() >= 1 &&
		    err["code"].get<std::uint64_t>() <= UINT32_MAX) {
			auto text = [&](const char *key) {
				return err.contains(key) && err[key].is_string()
					       ? err[key].get<std::string>() : std::string();
			};
			throw Error(err["code"].get<unsigned int>(), text("msg"), text("details"));
		}
		std::string how = WIFEXITED(wstatus)
					  ? fmt::format("exit status {}", WEXITSTATUS(wstatus))
					  : fmt::format("signal {}", WTERMSIG(wstatus));
		throw Error(internal, fmt::format("{} {} failed ({}) without an error object", file,
						  command, how), output);
	}
}

} // namespace vmux::cni
