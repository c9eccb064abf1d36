/**
 * Omaha protocol codes the node reports (omaha_request_action.h) and update_engine's error codes
 * (CoreOS update_engine action_processor.h, `ActionExitCode`). Numbers, because they travel in
 * the machines' numeric context and in trace events.
 */

/** `<event eventtype=...>` */
export const OMAHA_EVENT = Object.freeze({
  UPDATE_COMPLETE: 3,
  DOWNLOAD_STARTED: 13,
  DOWNLOAD_FINISHED: 14,
});

/** `<event eventresult=...>` */
export const OMAHA_RESULT = Object.freeze({
  ERROR: 0,
  SUCCESS: 1,
  SUCCESS_REBOOT: 2,
});

/** `<event errorcode=...>` values the model produces. */
export const ERROR_CODE = Object.freeze({
  /** kActionCodeDownloadTransferError: the payload transfer failed. */
  DOWNLOAD_TRANSFER: 9,
  /** kActionCodeNewRootfsVerificationError: the written partition does not verify (bad disk). */
  NEW_ROOTFS_VERIFICATION: 15,
  /**
   * The node came back on the previous version after an update: Flatcar's update_engine reports
   * 3/0 with this code on its first check after the rollback boot (docs/sources.md).
   */
  ROLLBACK: 44,
});

/**
 * The answer to an update check as the world hands it to update_engine (CHECK_RESPONSE.result):
 * Omaha's `<updatecheck status="noupdate">`, `status="ok"` with a manifest, an HTTP 500 or 503
 * (the only codes update_check_scheduler.cc backs off on), or no HTTP answer at all once the
 * fetcher's retries are spent (partition, loss, connection refused: libcurl_http_fetcher.cc
 * CurlPerformOnce, 3 retries 10 s apart; then the regular interval).
 */
export const CHECK_RESULT = Object.freeze({
  NO_UPDATE: 0,
  UPDATE: 1,
  SERVER_ERROR: 2,
  NO_ANSWER: 3,
});

/**
 * What update_engine reports on its first check after a boot (update-engine.ts `pendingReport`,
 * boot.ts `bootKind`): nothing, 3/2 (the new version booted), or 3/0 with error 44 (rollback).
 */
export const BOOT_REPORT = Object.freeze({
  NONE: 0,
  SUCCESS_REBOOT: OMAHA_RESULT.SUCCESS_REBOOT,
  ROLLBACK: ERROR_CODE.ROLLBACK,
});
