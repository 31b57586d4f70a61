# Sourced by the benchmark scripts: a test CA and a server certificate it signs, made with the
# openssl CLI, as the test suite makes its own (nothing here is trusted outside the run).
#   make_test_certificate DIR HOST...   → DIR/ca.pem, DIR/server.pem, DIR/server.key
make_test_certificate() {
  local dir="$1"; shift
  local names=""
  for host in "$@"; do names="${names:+$names,}DNS:$host"; done
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=autoconf bench CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$names" > "$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/server.ext" -out "$dir/server.pem" >/dev/null 2>&1
}

# nginx (Debian) serving DIR over HTTPS on 127.0.0.1:PORT with DIR/../server.pem, in the
# foreground of a background job; its files under WORK/nginx.
#   start_https_nginx WORK PORT ROOT
start_https_nginx() {
  local work="$1" port="$2" root="$3"
  mkdir -p "$work/nginx"
  cat > "$work/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
user root;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $work/server.pem;
    ssl_certificate_key $work/server.key;
    root $root;
    default_type application/xml;
  }
}
NGINX
  nginx -c "$work/nginx.conf" -p "$work/nginx" >/dev/null 2>&1 &
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
