#include "ward/dbus/connection.hpp"

#include "ward/base/error.hpp"
#include "ward/base/hex.hpp"
#include "ward/base/log.hpp"
#include "ward/dbus/marshal.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace ward::dbus {

namespace {

// Waits until fd is ready for events or the deadline passes (then throws).
void wait_ready(int fd, short events, Clock::time_point deadline, const char* doing) {
    for (;;) {
        auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0)
            fail(std::string("systemd did not answer in time (") + doing + ")");
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, static_cast<int>(left));
        if (n > 0)
            return;
        if (n < 0 && errno != EINTR)
            fail_errno("poll on the d-bus socket");
    }
}

} // namespace

std::string sasl_auth_line(unsigned uid) {
    return "AUTH EXTERNAL " + to_hex(std::to_string(uid)) + "\r\n";
}

Connection Connection::open(const std::string& socket_path, bool on_bus, unsigned auth_uid,
                            std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    Connection c;
    c.fd_ = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!c.fd_)
        fail_errno("socket(AF_UNIX) for d-bus");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof(addr.sun_path))
        fail("d-bus socket path too long: " + socket_path);
    std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
    if (::connect(c.fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN)
            fail_errno("connect " + socket_path);
        wait_ready(c.fd_.get(), POLLOUT, deadline, "connect");
        int err = 0;
        socklen_t len = sizeof(err);
        ::getsockopt(c.fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0)
            fail_errno("connect " + socket_path, err);
    }
    with_context("d-bus authentication on " + socket_path, [&] {
        // The NUL byte comes first (credentials passing on some systems).
        c.write_all(std::string(1, '\0') + sasl_auth_line(auth_uid), deadline);
        auto line = c.read_line(deadline);
        if (line.rfind("OK ", 0) != 0)
            fail("the server answered \"" + line + "\" to AUTH EXTERNAL");
        c.write_all("BEGIN\r\n", deadline);
    });
    if (on_bus) {
        Message hello;
        hello.path = "/org/freedesktop/DBus";
        hello.interface = "org.freedesktop.DBus";
        hello.member = "Hello";
        hello.destination = "org.freedesktop.DBus";
        c.call(std::move(hello), deadline);
    }
    return c;
}

void Connection::write_all(std::string_view bytes, Clock::time_point deadline) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            wait_ready(fd_.get(), POLLOUT, deadline, "sending");
        } else {
            fail_errno("send on the d-bus socket");
        }
    }
}

std::string Connection::read_exact(std::size_t n, Clock::time_point deadline) {
    while (pending_.size() < n) {
        char buf[4096];
        ssize_t got = ::recv(fd_.get(), buf, sizeof(buf), 0);
        if (got > 0) {
            pending_.append(buf, static_cast<std::size_t>(got));
        } else if (got == 0) {
            fail("the d-bus peer closed the connection");
        } else if (errno == EAGAIN || errno == EINTR) {
            wait_ready(fd_.get(), POLLIN, deadline, "reading");
        } else {
            fail_errno("recv on the d-bus socket");
        }
    }
    std::string out = pending_.substr(0, n);
    pending_.erase(0, n);
    return out;
}

std::string Connection::read_line(Clock::time_point deadline) {
    std::string line;
    while (line.size() < 512) {
        line += read_exact(1, deadline);
        if (line.size() >= 2 && line.compare(line.size() - 2, 2, "\r\n") == 0)
            return line.substr(0, line.size() - 2);
    }
    fail("d-bus authentication line longer than 512 bytes");
}

Message Connection::read_message(Clock::time_point deadline) {
    std::string head = read_exact(16, deadline);
    std::size_t total = message_length(head);
    return decode(head + read_exact(total - 16, deadline));
}

bool Connection::readable_within(Clock::duration wait) const {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
    pollfd p{fd_.get(), POLLIN, 0};
    int n;
    while ((n = ::poll(&p, 1, static_cast<int>(ms))) < 0 && errno == EINTR) {
    }
    return n > 0;
}

Message Connection::call(Message m, Clock::time_point deadline, Clock::duration nudge_after) {
    m.type = MessageType::method_call;
    m.serial = ++serial_;
    std::uint32_t serial = m.serial;
    std::string what = m.interface + "." + m.member;
    write_all(encode(m), deadline);
    if (nudge_after.count() > 0 && pending_.empty() && !readable_within(nudge_after)) {
        Message ping;
        ping.serial = ++serial_;
        ping.path = "/";
        ping.interface = "org.freedesktop.DBus.Peer";
        ping.member = "Ping";
        ping.destination = m.destination;
        log::debug("d-bus: no answer to " + what + " yet; nudging the peer with a Ping");
        write_all(encode(ping), deadline);
    }
    for (;;) {
        Message reply = read_message(deadline);
        if (reply.type == MessageType::signal) {
            if (signals_.size() >= 1024)
                signals_.pop_front(); // bounded: the oldest matter least
            signals_.push_back(std::move(reply));
            continue;
        }
        if (reply.reply_serial != serial)
            continue; // a reply to something else (none in flight): ignore
        if (reply.type == MessageType::error) {
            std::string text;
            if (reply.signature.rfind('s', 0) == 0)
                text = Reader(reply.body).string();
            fail(what + ": " + reply.error_name + (text.empty() ? "" : ": " + text));
        }
        return reply;
    }
}

Message Connection::next_signal(Clock::time_point deadline) {
    if (!signals_.empty()) {
        Message m = std::move(signals_.front());
        signals_.pop_front();
        return m;
    }
    for (;;) {
        Message m = read_message(deadline);
        if (m.type == MessageType::signal)
            return m;
    }
}

} // namespace ward::dbus
