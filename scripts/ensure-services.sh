#!/usr/bin/env bash
# Make sure MariaDB and Redis are up, and that MariaDB's root can log in over TCP with a password
# (Frappe never uses the socket). Safe to run any number of times.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

redis_up() { redis-cli -u "$LEGIST_REDIS_URL" ping >/dev/null 2>&1; }
if ! redis_up; then
	log "starting Redis"
	mkdir -p /var/lib/redis /var/log/redis
	redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
		--dir /var/lib/redis --logfile /var/log/redis/legist.log
	for _ in $(seq 1 50); do redis_up && break; sleep 0.2; done
	redis_up || die "Redis did not start; start it and point LEGIST_REDIS_URL at it"
fi

db_up() { mysqladmin --protocol=socket -uroot status >/dev/null 2>&1 \
	|| mysqladmin -h "$LEGIST_DB_HOST" -P "$LEGIST_DB_PORT" -u"$LEGIST_DB_ROOT_USER" -p"$LEGIST_DB_ROOT_PASSWORD" status >/dev/null 2>&1; }
if ! db_up; then
	log "starting MariaDB"
	mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
	start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd 2>/dev/null \
		|| (command -v service >/dev/null && service mariadb start) || true
	for _ in $(seq 1 100); do db_up && break; sleep 0.3; done
	db_up || die "MariaDB did not start; start it (root must log in over TCP with LEGIST_DB_ROOT_PASSWORD)"
fi

tcp_login() { mysql -h "$LEGIST_DB_HOST" -P "$LEGIST_DB_PORT" -u"$LEGIST_DB_ROOT_USER" -p"$LEGIST_DB_ROOT_PASSWORD" -e "select 1" >/dev/null 2>&1; }
if ! tcp_login; then
	# A fresh MariaDB: root logs in through the socket without a password. Give it one for TCP.
	log "setting MariaDB's root password for TCP logins"
	mysql --protocol=socket -uroot <<SQL || die "cannot set MariaDB's root password; set LEGIST_DB_ROOT_PASSWORD to the real one"
ALTER USER 'root'@'localhost' IDENTIFIED BY '${LEGIST_DB_ROOT_PASSWORD}';
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '${LEGIST_DB_ROOT_PASSWORD}';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '${LEGIST_DB_ROOT_PASSWORD}';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
	tcp_login || die "MariaDB root still cannot log in over TCP"
fi
log "MariaDB and Redis are up"
