/*
 * The thinnest libfcgi program: the FastCGI path's limit in bench/run.sh.
 *
 * Same shape as fcgi-check's accept loop (N threads, each FCGX_Accept_r without a mutex, the body read to EOF),
 * answering a fixed JSON body of the size of the reference answer. Usage: minimal_fcgi SOCKET_PATH THREADS REPLY_FILE
 */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int listen_socket;
static char head[256];
static char *body;
static long body_length;

static void *serve(void *unused) {
    (void)unused;
    FCGX_Request request;
    FCGX_InitRequest(&request, listen_socket, 0);
    char buffer[65536];
    while (FCGX_Accept_r(&request) == 0) {
        while (FCGX_GetStr(buffer, sizeof buffer, request.in) > 0) {
        }
        FCGX_PutStr(head, (int)strlen(head), request.out);
        FCGX_PutStr(body, (int)body_length, request.out);
        FCGX_Finish_r(&request);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s SOCKET_PATH THREADS REPLY_FILE\n", argv[0]);
        return 2;
    }
    FILE *reply = fopen(argv[3], "rb");
    if (!reply) {
        perror(argv[3]);
        return 1;
    }
    fseek(reply, 0, SEEK_END);
    body_length = ftell(reply);
    rewind(reply);
    body = malloc((size_t)body_length);
    if (fread(body, 1, (size_t)body_length, reply) != (size_t)body_length) return 1;
    fclose(reply);
    snprintf(head, sizeof head, "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %ld\r\n\r\n",
             body_length);

    FCGX_Init();
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    strncpy(address.sun_path, argv[1], sizeof address.sun_path - 1);
    unlink(argv[1]);
    listen_socket = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(listen_socket, (struct sockaddr *)&address, sizeof address) != 0 || listen(listen_socket, 1024) != 0) {
        perror("bind/listen");
        return 1;
    }
    chmod(argv[1], 0660);
    int threads = atoi(argv[2]);
    pthread_t ids[1024];
    for (int i = 0; i < threads && i < 1024; i++) pthread_create(&ids[i], NULL, serve, NULL);
    pthread_join(ids[0], NULL);
    return 0;
}
