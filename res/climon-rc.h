/*
 * climon-rc.h: resource ids of climon.exe, shared by climon.rc and the C
 * code. IDI_ icons, IDM_ menu items, IDS_ strings.
 */
#ifndef CLIMON_RC_H
#define CLIMON_RC_H

#define IDI_CLIMON 1 /* the program's own icon: first, so Explorer shows it */

#define IDM_TRAY 200
#define IDM_STATUS 201
#define IDM_CHECK_NOW 202
#define IDM_RESTART_NOW 203
#define IDM_LOGOFF_NOW 204
#define IDM_EXIT 205

/* Tooltips, in agent_icon order from IDS_TIP_FIRST. */
#define IDS_TIP_FIRST 1000
#define IDS_TIP_UP_TO_DATE 1000
#define IDS_TIP_CHECKING 1001
#define IDS_TIP_REQUEST_PENDING 1002
#define IDS_TIP_ACTION_NEEDED 1003
#define IDS_TIP_ERROR 1004
#define IDS_TIP_ACTION_LOGOFF 1005

#define IDS_APP_NAME 1100
#define IDS_PROMPT_TITLE 1101
#define IDS_PROMPT_MAIN_RESTART 1102
#define IDS_PROMPT_MAIN_LOGOFF 1103
#define IDS_PROMPT_CONTENT_RESTART 1104
#define IDS_PROMPT_CONTENT_LOGOFF 1105
#define IDS_PROMPT_RESTART_NOW 1106
#define IDS_PROMPT_LOGOFF_NOW 1107
#define IDS_PROMPT_LATER 1108
#define IDS_PROMPT_1H 1109
#define IDS_PROMPT_4H 1110
#define IDS_PROMPT_TOMORROW 1111
#define IDS_PROMPT_NO_COMPONENTS 1112
#define IDS_BALLOON_PROMPT_TITLE 1113
#define IDS_BALLOON_PROMPT_RESTART 1114
#define IDS_BALLOON_PROMPT_LOGOFF 1115
#define IDS_BALLOON_UPDATED_TITLE 1116
#define IDS_BALLOON_UPDATED_TEXT 1117
#define IDS_PROMPT_PLAIN_RESTART 1118 /* a site that names no components */
#define IDS_PROMPT_PLAIN_LOGOFF 1119
#define IDS_BALLOON_UPDATED_PLAIN 1120
#define IDS_PROMPT_LEFT_FMT 1121     /* "%lu of %lu postponements left." */
#define IDS_PROMPT_LEFT_ONE 1122     /* the last one */
#define IDS_PROMPT_DEADLINE_FMT 1123 /* "... %ls ..." the deadline */
#define IDS_COUNTDOWN_TITLE 1130
#define IDS_COUNTDOWN_RESTART_FMT 1131 /* time left, components */
#define IDS_COUNTDOWN_LOGOFF_FMT 1132

#define IDS_ST_TITLE 1200
#define IDS_ST_FIRST_LABEL 1201 /* the rows, in order */
#define IDS_ST_TODO 1201
#define IDS_ST_SITE 1202
#define IDS_ST_ID 1203
#define IDS_ST_SERVER 1204
#define IDS_ST_VERSIONS 1205
#define IDS_ST_LAST_PASS 1206
#define IDS_ST_LAST_CHECK 1207
#define IDS_ST_REQUEST 1208
#define IDS_ST_CHANGE 1209
#define IDS_ST_DEADLINE 1210
#define IDS_ST_LEFT 1211
#define IDS_ST_REMINDER 1212
#define IDS_ST_ERROR 1213
#define IDS_ST_LOG 1214
#define IDS_ST_ROWS 14
#define IDS_ST_CHECK_NOW 1230
#define IDS_ST_OPEN_LOG 1231
#define IDS_TODO_NOTHING 1240 /* the "To do" line */
#define IDS_TODO_RESTART_BY 1241
#define IDS_TODO_LOGOFF_BY 1242
#define IDS_TODO_RESTART 1243
#define IDS_TODO_LOGOFF 1244
#define IDS_TODO_COUNTDOWN 1245
#define IDS_TODO_WAIT 1246
#define IDS_TODO_ERROR 1247
#define IDS_LEFT_FMT 1250
#define IDS_LEFT_NO_LIMIT 1251

#define IDS_NEVER 1300
#define IDS_NONE 1301
#define IDS_UNKNOWN 1302
#define IDS_RESULT_SAME 1304
#define IDS_RESULT_DIFFERS 1305
#define IDS_RESULT_UNKNOWN 1306
#define IDS_CHANGE_RESTART 1307
#define IDS_CHANGE_LOGOFF 1308
#define IDS_VERSIONS_FMT 1309
#define IDS_CHECK_FMT 1310
#define IDS_NOT_DEFERRED 1311
#define IDS_CLOSE 1312
#define IDS_NO_ERROR 1313
#define IDS_NO_LOG 1314
#define IDS_SETUP_RUNNING_FMT 1315
/* Plural messages: _ONE then _OTHER, consecutive (res_plural). */
#define IDS_PASS_FILES_ONE 1320 /* the last pass, files forwarded */
#define IDS_PASS_FILES_OTHER 1321

#define IDS_USAGE 1400
#define IDS_INSTALLED_USER 1401
#define IDS_INSTALLED_MACHINE 1402
#define IDS_INSTALL_DENIED 1403
#define IDS_INSTALL_FAILED 1404
#define IDS_UNINSTALLED 1405
#define IDS_UNINSTALL_DENIED 1406
#define IDS_NOT_RUNNING 1407
#define IDS_QUIT_SENT 1408
#define IDS_CMD_COMBINED 1420 /* command-line errors (cmdline.c) */
#define IDS_CMD_TIMEOUT 1421
#define IDS_CMD_VALUE 1422
#define IDS_CMD_UNKNOWN 1423

/* Failure classes: refused credentials, files kept (issues 11.5, 17.6). */
#define IDS_CREDS_TITLE 1500
#define IDS_CREDS_REFUSED 1501
#define IDS_PASS_KEPT_ONE 1502 /* files kept (plural pair) */
#define IDS_PASS_KEPT_OTHER 1503
#define IDS_SERVICE_INSTALLED 1600
#define IDS_SERVICE_REMOVED 1601
#define IDS_SERVICE_DENIED 1602
#define IDS_SERVICE_FAILED 1603
#define IDS_SERVICE_NOT_STARTED 1604
#define IDS_SERVICE_DESCRIPTION 1605
#define IDS_CMD_SESSION 1606
#define IDS_PROMPT_OTHERS_ONE 1607 /* "%ls other user is signed in" (plural pair) */
#define IDS_PROMPT_OTHERS_OTHER 1608
#define IDS_RESTART_OTHERS_MSG 1609 /* Windows shows it to the other users */
#define IDS_SERVICE_ACCOUNT 1610

#endif
