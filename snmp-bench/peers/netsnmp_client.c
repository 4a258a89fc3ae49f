/* The libnetsnmp peer for snmp-bench: Net-SNMP's C library, synchronous API
 * (snmp_synch_response), as its tutorial client does.
 *
 * usage: netsnmp-client CASE SECS PORT COUNT   (prints one JSON line; see snmp-bench/src/main.rs)
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void cpu(double *u, double *s) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    *u = r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6;
    *s = r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static long hwm_kb(void) {
    char line[256];
    long kb = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) sscanf(line + 6, "%ld", &kb);
    fclose(f);
    return kb;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s CASE SECS PORT COUNT\n", argv[0]);
        return 2;
    }
    const char *kase = argv[1];
    double secs = atof(argv[2]);
    int port = atoi(argv[3]);
    if (strncmp(kase, "poll", 4) == 0) {
        printf("{\"unsupported\": \"not written (the synchronous API polls one agent at a time)\"}\n");
        return 0;
    }
    int v3 = strstr(kase, "_v3") != NULL;
    char peer[64];
    snprintf(peer, sizeof peer, "udp:127.0.0.1:%d", port);

    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    init_snmp("snmp-bench");
    netsnmp_session sess, *ss;
    snmp_sess_init(&sess);
    sess.peername = peer;
    sess.timeout = 2000000;
    sess.retries = 1;
    if (v3) {
        static const char *user = "bench", *auth = "bench-auth-pass", *priv = "bench-priv-pass";
        sess.version = SNMP_VERSION_3;
        sess.securityName = strdup(user);
        sess.securityNameLen = strlen(user);
        sess.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
        sess.securityAuthProto = usmHMAC192SHA256AuthProtocol;
        sess.securityAuthProtoLen = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
        sess.securityAuthKeyLen = USM_AUTH_KU_LEN;
        if (generate_Ku(sess.securityAuthProto, sess.securityAuthProtoLen, (const u_char *)auth,
                        strlen(auth), sess.securityAuthKey, &sess.securityAuthKeyLen) != SNMPERR_SUCCESS) {
            fprintf(stderr, "generate_Ku auth failed\n");
            return 1;
        }
        sess.securityPrivProto = usmAESPrivProtocol;
        sess.securityPrivProtoLen = OID_LENGTH(usmAESPrivProtocol);
        sess.securityPrivKeyLen = USM_PRIV_KU_LEN;
        if (generate_Ku(sess.securityAuthProto, sess.securityAuthProtoLen, (const u_char *)priv,
                        strlen(priv), sess.securityPrivKey, &sess.securityPrivKeyLen) != SNMPERR_SUCCESS) {
            fprintf(stderr, "generate_Ku priv failed\n");
            return 1;
        }
    } else {
        sess.version = SNMP_VERSION_2c;
        sess.community = (u_char *)"public";
        sess.community_len = 6;
    }
    ss = snmp_open(&sess);
    if (!ss) {
        snmp_sess_perror("snmp_open", &sess);
        return 1;
    }
    oid get_oid[MAX_OID_LEN], root[MAX_OID_LEN], cur[MAX_OID_LEN];
    size_t get_len = MAX_OID_LEN, root_len = MAX_OID_LEN, cur_len;
    read_objid(".1.3.6.1.2.1.1.5.0", get_oid, &get_len);
    int bulk = strncmp(kase, "bulk", 4) == 0;
    read_objid(bulk ? ".1.3.6.1.2.1.2.2" : ".1.3.6.1.2.1.2.2.1.2", root, &root_len);

    long ops = 0, vbs = 0, errors = 0;
    netsnmp_pdu *resp = NULL;
    if (v3) { /* discovery and time synchronisation before the clock starts */
        netsnmp_pdu *p = snmp_pdu_create(SNMP_MSG_GET);
        snmp_add_null_var(p, get_oid, get_len);
        if (snmp_synch_response(ss, p, &resp) != STAT_SUCCESS) {
            snmp_sess_perror("v3 discovery", ss);
            return 1;
        }
        snmp_free_pdu(resp);
    }
    double u0, s0, u1, s1, t0 = now();
    cpu(&u0, &s0);
    if (strncmp(kase, "get", 3) == 0) {
        while (ops == 0 || now() - t0 < secs) {
            for (int i = 0; i < 100; i++) {
                netsnmp_pdu *p = snmp_pdu_create(SNMP_MSG_GET);
                snmp_add_null_var(p, get_oid, get_len);
                if (snmp_synch_response(ss, p, &resp) == STAT_SUCCESS &&
                    resp->errstat == SNMP_ERR_NOERROR && resp->variables)
                    vbs++;
                else
                    errors++;
                if (resp) snmp_free_pdu(resp);
                resp = NULL;
                ops++;
            }
        }
    } else {
        while (ops == 0 || now() - t0 < secs) {
            memcpy(cur, root, root_len * sizeof(oid));
            cur_len = root_len;
            int running = 1;
            while (running) {
                netsnmp_pdu *p = snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
                if (bulk) {
                    p->non_repeaters = 0;
                    p->max_repetitions = 25;
                }
                snmp_add_null_var(p, cur, cur_len);
                if (snmp_synch_response(ss, p, &resp) != STAT_SUCCESS ||
                    resp->errstat != SNMP_ERR_NOERROR) {
                    errors++;
                    running = 0;
                } else {
                    netsnmp_variable_list *v;
                    int got = 0;
                    for (v = resp->variables; v; v = v->next_variable) {
                        if (v->type == SNMP_ENDOFMIBVIEW || v->name_length < root_len ||
                            memcmp(v->name, root, root_len * sizeof(oid)) != 0) {
                            running = 0;
                            break;
                        }
                        memcpy(cur, v->name, v->name_length * sizeof(oid));
                        cur_len = v->name_length;
                        vbs++;
                        got++;
                    }
                    if (!got) running = 0;
                }
                if (resp) snmp_free_pdu(resp);
                resp = NULL;
            }
            ops++;
        }
    }
    double wall = now() - t0;
    cpu(&u1, &s1);
    printf("{\"ops\": %ld, \"varbinds\": %ld, \"errors\": %ld, \"wall\": %f, \"user\": %f, "
           "\"sys\": %f, \"maxrss_kb\": %ld}\n",
           ops, vbs, errors, wall, u1 - u0, s1 - s0, hwm_kb());
    snmp_close(ss);
    return 0;
}
