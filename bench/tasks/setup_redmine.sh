#!/usr/bin/env bash
# Installs Redmine 5 from Debian (redmine, redmine-pgsql), puma and wrk, and prepares a
# PostgreSQL database for it on the local cluster: the "same PostgreSQL" the task
# benchmark runs Congso on. Run as root. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
DB=${REDMINE_DB:-bench_redmine}

# dbconfig-common would try to reach a database during the install; the database is made below.
echo "redmine redmine/instances/default/dbconfig-install boolean false" | debconf-set-selections
apt-get install -y -qq --no-install-recommends postgresql redmine redmine-pgsql puma wrk >/dev/null 2>&1 || true
# Some images drop the empty gem directories Debian's Ruby packages ship, so bundler
# believes those gems are missing and redmine's postinst fails. Recreate them, finish the
# configuration.
for spec_dir in /usr/share/rubygems-integration/all/specifications /usr/share/rubygems-integration/3.1.0/specifications \
                /usr/lib/x86_64-linux-gnu/rubygems-integration/3.1.0/specifications; do
  [ -d "$spec_dir" ] || continue
  for s in "$spec_dir"/*.gemspec; do g=$(basename "$s" .gemspec); mkdir -p "$spec_dir/../gems/$g"; done
done
dpkg --configure -a >/dev/null
# Debian serves Redmine through Passenger; the benchmark uses Debian's puma instead, added
# to the bundle the way Redmine allows local gems.
echo 'gem "puma"' > /usr/share/redmine/Gemfile.local
(cd /usr/share/redmine && bundle install --local --quiet 2>/dev/null)
chown www-data:www-data /var/lib/redmine/Gemfile.lock

PGVER=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_ctlcluster "$PGVER" main start 2>/dev/null || true
for i in $(seq 1 30); do su postgres -c "pg_isready -q" && break; sleep 1; done
su postgres -c "psql -qtA -c \"SELECT 1 FROM pg_roles WHERE rolname='redmine'\"" | grep -q 1 \
  || su postgres -c "psql -q -c \"CREATE ROLE redmine LOGIN PASSWORD 'redmine'\""
su postgres -c "dropdb --if-exists $DB" && su postgres -c "createdb -O redmine -E UTF8 $DB"

cat > /etc/redmine/default/database.yml <<YML
production:
  adapter: postgresql
  database: $DB
  host: 127.0.0.1
  username: redmine
  password: redmine
  encoding: utf8
  pool: 16
YML
chown www-data:www-data /etc/redmine/default/database.yml
cd /usr/share/redmine
su www-data -s /bin/sh -c "RAILS_ENV=production SCHEMA=/dev/null bundle exec rake db:migrate >/dev/null && RAILS_ENV=production REDMINE_LANG=en bundle exec rake redmine:load_default_data >/dev/null"
# The REST API is off by default.
su postgres -c "psql -q $DB -c \"INSERT INTO settings (name, value, updated_on) VALUES ('rest_api_enabled', '1', now())\""
echo "Redmine ready on database $DB"
