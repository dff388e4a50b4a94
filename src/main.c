/* pcrm: subcommand dispatch only. Each subcommand lives in src/cli/<name>.c. */
#include "base/log.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const struct cli_command cli_commands[] = {
    {"init", "create a data directory (database, key file, optional tenant or demo city)",
     "usage: pcrm init --data DIR [--tenant CODE --tenant-name NAME] [--demo]\n\n"
     "Creates DIR (mode 0700) with the database pcrm.db, applying every migration, and\n"
     "the key file pcrm.key (mode 0600; back it up: encrypted fields and the audit\n"
     "chain cannot be read without it). Running it again on an existing directory only\n"
     "applies new migrations.\n\n"
     "  --data DIR           the data directory (or $PCRM_DATA)\n"
     "  --tenant CODE        also add this tenant (e.g. busan)...\n"
     "  --tenant-name NAME   ...with this Korean name (e.g. 부산광역시)\n"
     "  --demo               add the demo city: tenant busan with departments and staff\n",
     cli_init},
    {"serve", "run the HTTP API, the web UI and the background jobs",
     "usage: pcrm serve --data DIR [--listen HOST:PORT] [--web DIR]\n\n"
     "Serves the JSON API under /api/v1 and the web UI until SIGINT or SIGTERM.\n\n"
     "  --data DIR           the data directory (or $PCRM_DATA)\n"
     "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; port 0 picks\n"
     "                       a free port, printed on start; or $PCRM_LISTEN)\n"
     "  --web DIR            the built web UI (default web/dist beside the build)\n\n"
     "Environment: PCRM_BODY_LIMIT, PCRM_THREADS, PCRM_SESSION_IDLE,\n"
     "PCRM_SESSION_ABSOLUTE, PCRM_THROTTLE_FAILURES, PCRM_THROTTLE_WINDOW,\n"
     "PCRM_COOKIE_SECURE, PCRM_PWHASH, PCRM_PUBLIC_RATE_LIMIT, PCRM_LOG_LEVEL,\n"
     "PCRM_PUBLIC_OFFICER_NAMES; notices: PCRM_PUBLIC_URL, PCRM_DELIVERY, PCRM_QUIET_HOURS,\n"
     "PCRM_RATE_SMS, PCRM_RATE_EMAIL, PCRM_NOTIFY_ATTEMPTS, PCRM_NOTIFY_RETRY_S,\n"
     "PCRM_PRICE_SMS, PCRM_PRICE_LMS, PCRM_PRICE_EMAIL, PCRM_SMS_CALLBACK_TOKEN; channels:\n"
     "PCRM_SMTP_URL, PCRM_SMTP_FROM, PCRM_SMTP_USER, PCRM_SMTP_PASSWORD, PCRM_SMTP_TLS,\n"
     "PCRM_SMS_URL, PCRM_SMS_AUTH, PCRM_SMS_BODY, PCRM_SMS_SENDER, PCRM_NOTIFY_TIMEOUT_MS\n"
     "(see docs/OPERATIONS.md).\n",
     cli_serve},
    {"tenant", "add a tenant (a municipality sharing this installation), set its SMS number",
     "usage: pcrm tenant add --data DIR --code CODE --name NAME\n"
     "       pcrm tenant sender --data DIR --code CODE (--number NUMBER | --clear)\n\n"
     "  --code CODE     lower-case letters, digits and '-' (e.g. hanam)\n"
     "  --name NAME     the Korean name (e.g. 하남시)\n"
     "  --number NUMBER the calling number the tenant's SMS come from, as registered with\n"
     "                  the carriers (e.g. 031-790-6114); --clear: PCRM_SMS_SENDER again\n",
     cli_tenant},
    {"user", "add a staff account",
     "usage: pcrm user add --data DIR --tenant CODE --username U --role ROLE\n"
     "                     [--dept CODE] [--display-name NAME] [--email ADDR]\n"
     "                     --password-stdin\n\n"
     "Reads the password (at least 10 characters) from the first line of standard input.\n"
     "ROLE is one of agent, officer, dept_head, cs_manager, privacy_officer, admin;\n"
     "officer and dept_head need --dept.\n",
     cli_user},
    {"apikey", "create an API key for a system",
     "usage: pcrm apikey add --data DIR --tenant CODE --role ROLE --name NAME\n\n"
     "Prints the new key alone on standard output. It is shown this once and stored\n"
     "only as a hash; systems send it as 'Authorization: Bearer KEY'.\n",
     cli_apikey},
    {"audit", "verify the audit log's hash chain",
     "usage: pcrm audit verify --data DIR\n\n"
     "Walks every row of the audit log. Exits 0 and prints the count when the chain is\n"
     "intact; exits 1 naming the first row that was altered, deleted or cut off.\n",
     cli_audit},
    {"gen", "generate synthetic residents (noisy source records) or a year of complaints",
     "usage: pcrm gen residents --data DIR [--people N] [--seed S] [--out FILE.csv]\n"
     "       pcrm gen complaints --data DIR [--count N] [--seed S] [--tenant CODE]\n\n"
     "complaints: files N complaints (default 1500) over the past year for the residents\n"
     "already imported, through the real intake and workflow, as a city would have them:\n"
     "every type, channel and state, some late, some still open.\n\n"
     "residents: writes FILE.csv (default DIR/generated/residents.csv): source records about N\n"
     "synthetic residents of 부산광역시 in the import format, and FILE.truth.csv beside\n"
     "it (source_id,person_id), the true person of each record, kept out of the import.\n"
     "The same seed gives the same files.\n\n"
     "  --people N   residents to invent (default 1000)\n"
     "  --seed S     random seed (default 1)\n"
     "  --out FILE   where to write (default DIR/generated/residents.csv)\n",
     cli_gen},
    {"import", "import source records about residents from a CSV file",
     "usage: pcrm import records --data DIR --source NAME [--tenant CODE]\n"
     "                           [--rejects FILE] FILE.csv\n\n"
     "Reads a UTF-8 CSV file with a header row. Known columns: source_id (required),\n"
     "name, rrn, address, phone, mobile, email, birth_date; other columns are kept with\n"
     "each source record. Every row is stored unchanged, cleansed, and matched to a\n"
     "customer (new, linked, or queued for review). A malformed file is refused whole\n"
     "with its line number; rows that cannot be stored (no source_id, wrong number of\n"
     "fields) go to FILE.csv.rejects.csv with their line and reason. Importing the same\n"
     "file again changes nothing. --tenant may be left out when there is one tenant.\n\n"
     "With a title column each row is also a complaint with its history (a 서식민원\n"
     "export): received_at (required), channel, type_code, title, body, status,\n"
     "completed_at, department; it gets a receipt number and a due time, and rows that\n"
     "cannot be taken in go to the rejects file with the reason.\n",
     cli_import},
    {"export", "export source records with their customer ids as CSV",
     "usage: pcrm export records --data DIR [--source NAME] [--tenant CODE]\n\n"
     "Prints CSV 'source,source_id,customer_id' (the surviving customer after merges).\n",
     cli_export},
    {"report", "print a report (data quality, complaints, processing time, backlog)",
     "usage: pcrm report data-quality --data DIR [--source NAME] [--tenant CODE]\n"
     "                                [--format text|json]\n"
     "       pcrm report complaints-vs-customers --data DIR [--format text|json]\n"
     "       pcrm report processing-time --data DIR [--by type|department] [--format ...]\n"
     "       pcrm report backlog --data DIR [--format text|json]\n\n"
     "Per field (address, phone, mobile, email, RRN) of the source records: filled\n"
     "(정상입력), null, fill rate (충실도), valid as entered (원본정확), cleansed (클린징)\n"
     "and accuracy (정확도 = (원본정확 + 클린징) / total), as in the report's Table 4-1.\n"
     "complaints-vs-customers: per year, complaints filed and distinct residents behind\n"
     "them (Table 3-1). processing-time: per type or department, mean days against the\n"
     "statutory days and the on-time rate (Tables 3-6/3-7). backlog: open, due today,\n"
     "overdue and awaiting supplement per department and officer.\n",
     cli_report},
    {"deadline", "compute a complaint's statutory due time (Civil Petitions Act)",
     "usage: pcrm deadline --received TIME --period PERIOD [--data DIR]\n\n"
     "Prints the due time in ISO-8601 KST, counting as the Civil Petitions Act does:\n"
     "periods of 5 days or less in working hours (8 a day, 09:00-12:00 and 13:00-18:00),\n"
     "6 days or more in working days ending at the close of the last one, weeks and\n"
     "months by the calendar; weekends and public holidays never count.\n\n"
     "  --received TIME   e.g. 2026-09-23T10:00+09:00\n"
     "  --period PERIOD   즉시 (3 working hours), 3h, 5d, 14d, 2w, 1m\n"
     "  --data DIR        use the holidays as edited in this data directory (default: the\n"
     "                    shipped calendar, data/holidays-kr.csv)\n",
     cli_deadline},
    {"route", "train and evaluate the complaint classifier",
     "usage: pcrm route train --data DIR [--tenant CODE] [FILE.csv]\n"
     "       pcrm route eval --data DIR [--tenant CODE] FILE.csv\n\n"
     "train: learns from FILE.csv (columns text,label) or, without a file, from the\n"
     "shipped examples (data/routing-examples.csv) and officers' final assignments.\n"
     "eval: prints {\"n\":..,\"top1\":..,\"top3\":..} for FILE.csv as JSON.\n",
     cli_route},
    {"notify", "send one test message through the configured e-mail or SMS channel",
     "usage: pcrm notify test --data DIR --medium sms|email --to RECIPIENT\n"
     "                        [--subject S] --body TEXT\n\n"
     "Sends one message, without the outbox's retries, through the transport configured\n"
     "for the medium: e-mail through PCRM_SMTP_URL, SMS/LMS through PCRM_SMS_URL, else\n"
     "appended to DIR/outbox.log. Prints 'sent via TRANSPORT (CLASS, N bytes)'; N is the\n"
     "text's EUC-KR size for sms (SMS up to 90 bytes, LMS up to 2000) and its UTF-8 size\n"
     "for e-mail. Exits 1 with the reason when the channel refuses or fails.\n\n"
     "  --medium sms|email   which channel\n"
     "  --to RECIPIENT       a mobile number (010-1234-5678) or an e-mail address\n"
     "  --subject S          the e-mail subject or the LMS title\n"
     "  --body TEXT          the text (UTF-8)\n\n"
     "Environment: PCRM_SMTP_URL, PCRM_SMTP_FROM, PCRM_SMTP_USER, PCRM_SMTP_PASSWORD,\n"
     "PCRM_SMTP_TLS, PCRM_SMS_URL, PCRM_SMS_AUTH, PCRM_SMS_BODY, PCRM_SMS_SENDER,\n"
     "PCRM_NOTIFY_TIMEOUT_MS (see docs/OPERATIONS.md).\n",
     cli_notify},
    {"version", "print the version", "usage: pcrm version\n", cli_version},
    {"help", "show help for a command", "usage: pcrm help [COMMAND]\n", cli_help},
    {0, 0, 0, 0},
};

int main(int argc, char **argv)
{
        log_init_from_env();
        /* The data directory holds personal data: nothing pcrm creates is for other users. */
        umask(077);
        if (argc < 2) {
                cli_overview(stderr);
                return CLI_USAGE;
        }
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
                return cli_help(NULL, 1, argv);
        if (!strcmp(argv[1], "--version"))
                return cli_version(NULL, 1, argv);
        for (const struct cli_command *c = cli_commands; c->name; c++)
                if (!strcmp(c->name, argv[1]))
                        return c->run(c, argc - 1, argv + 1);
        fprintf(stderr, "pcrm: unknown command '%s'\n\n", argv[1]);
        cli_overview(stderr);
        return CLI_USAGE;
}
