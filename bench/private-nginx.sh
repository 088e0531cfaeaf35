# One private nginx on 127.0.0.1 in front of FastCGI programs on unix sockets, its files in a work directory: sourced
# by every benchmark behind nginx (bench/run.sh, steps.sh, syscalls.sh, instructions.sh, ab.sh), so that each puts
# the same front in place.
#
#   private_nginx_location PATH SOCKET [DIRECTIVES]  prints a `location = PATH` passing to unix:SOCKET, one connection
#                                                    a request and 16 KiB buffers (as deploy/nginx/
#                                                    fcgi-check.conf), DIRECTIVES added
#   private_nginx_write WORK PORT WORKERS LOCATIONS  writes WORK/nginx.conf (WORKERS worker processes, or auto; the
#                                                    locations printed above) and WORK/fastcgi_params
#   private_nginx_start WORK PORT                    starts it in the foreground of a background job (its pid in
#                                                    $private_nginx_pid) and waits until it listens on PORT

private_nginx_location() {
    printf '\n        location = %s { include fastcgi_params; fastcgi_pass unix:%s; fastcgi_keep_conn off;%s%s }' \
        "$1" "$2" " fastcgi_buffer_size 16k; fastcgi_buffers 8 16k;" "${3:+ $3}"
}

private_nginx_write() {
    local work=$1 port=$2 workers=$3 locations=$4 user_line=""
    # A root master would run its workers as "nobody", who cannot reach the sockets.
    [ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
    mkdir -p "$work/tmp"
    cat >"$work/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes $workers;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/tmp/body;
    fastcgi_temp_path $work/tmp/fastcgi;
    proxy_temp_path $work/tmp/proxy;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    client_max_body_size 1m;
    client_body_buffer_size 1m;
    server {
        listen 127.0.0.1:$port;$locations
    }
}
CONF
    # Each program may have a location of its own, but fcgi-check answers POST / only: the request URI it sees is /.
    sed -e 's#^fastcgi_param *REQUEST_URI .*#fastcgi_param REQUEST_URI /;#' \
        -e 's#^fastcgi_param *DOCUMENT_URI .*#fastcgi_param DOCUMENT_URI /;#' /etc/nginx/fastcgi_params \
        >"$work/fastcgi_params"
}

private_nginx_start() {
    local work=$1 port=$2
    nginx -p "$work" -c "$work/nginx.conf" &
    private_nginx_pid=$!
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$private_nginx_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "nginx did not start on 127.0.0.1:$port:" >&2
    cat "$work/nginx-error.log" >&2 2>/dev/null || true
    return 1
}
