//! Main part of the end-to-end probe: counts what reaches main, and records what frames report,
//! so a test driving one frame can check what every frame and main saw.

use std::collections::BTreeMap;
use std::sync::Arc;

use ferrolens_ipc::{ExtensionContext, ExtensionMain, HandlerError, MainPart, Origin};
use parking_lot::Mutex;
use serde_json::{json, Value};

/// Registers this main part under the manifest's `"main": "probe"`.
pub const MAIN_PART: MainPart = MainPart {
    name: "probe",
    build: || Box::new(ProbeMain),
};

/// The probe's main class.
pub struct ProbeMain;

#[derive(Default)]
struct Seen {
    invokes: u64,
    /// Broadcasts on `tick` by sender, with the last sequence number and order violations.
    ticks: BTreeMap<String, (u64, Option<u64>, u64)>,
    /// What frames reported.
    reports: Vec<Value>,
    /// `slow` calls whose cancellation (abort, timeout) reached main.
    cancelled: u64,
}

fn origin_label(origin: &Origin) -> String {
    match origin {
        Origin::Main => "main".into(),
        Origin::Frame { label } => label.clone(),
    }
}

impl ExtensionMain for ProbeMain {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        let ipc = ctx.ipc();
        let seen = Arc::new(Mutex::new(Seen::default()));

        let s = seen.clone();
        ipc.handle("count", move |_, _| {
            let n = {
                let mut seen = s.lock();
                seen.invokes += 1;
                seen.invokes
            };
            async move { Ok(n) }
        })?;

        let s = seen.clone();
        let _ = ipc.listen("tick", move |event, args| {
            let seq = args.get::<u64>(0).ok();
            let mut seen = s.lock();
            let entry = seen.ticks.entry(origin_label(&event.origin)).or_default();
            entry.0 += 1;
            if let (Some(seq), Some(last)) = (seq, entry.1) {
                if seq <= last {
                    entry.2 += 1;
                }
            }
            entry.1 = seq.or(entry.1);
        })?;

        let s = seen.clone();
        ipc.handle("report", move |event, args| {
            let mut report: Value = args.get(0).unwrap_or_default();
            report["from"] = json!(origin_label(&event.origin));
            s.lock().reports.push(report);
            async { Ok(()) }
        })?;

        let s = seen.clone();
        ipc.handle("tally", move |_, _| {
            let seen = s.lock();
            let ticks: BTreeMap<&String, Value> = seen
                .ticks
                .iter()
                .map(|(k, (n, _, bad))| (k, json!({"received": n, "outOfOrder": bad})))
                .collect();
            let tally = json!({
                "invokes": seen.invokes,
                "ticks": ticks,
                "reports": seen.reports,
                "cancelled": seen.cancelled,
            });
            async move { Ok(tally) }
        })?;

        // Never answers on its own: its task counts the cancellation (abort or timeout) it sees.
        let s = seen.clone();
        ipc.handle("slow", move |event, _| {
            let s = s.clone();
            tokio::spawn(async move {
                event.cancelled().await;
                s.lock().cancelled += 1;
            });
            std::future::pending::<Result<(), HandlerError>>()
        })?;

        // Answers with its argument exactly as received (Dates, Maps, typed arrays, cycles...).
        ipc.handle("echo", |_, args| async move { Ok(args.arg(0)) })?;

        // Sends its argument to the calling frame's `mirror` handler and answers with the
        // frame's reply: renderer -> main -> renderer -> main -> renderer.
        let bouncer = ipc.clone();
        ipc.handle("bounce", move |event, args| {
            let bouncer = bouncer.clone();
            async move {
                let Origin::Frame { label } = &event.origin else {
                    return Err(HandlerError::new("Error", "bounce comes from a frame"));
                };
                Ok(bouncer
                    .request(label, "mirror", args, Default::default())
                    .await?)
            }
        })?;

        // Main asks the calling frame's renderer handler, the reverse of invoke.
        let asker = ipc.clone();
        ipc.handle("ask", move |event, args| {
            let asker = asker.clone();
            async move {
                let Origin::Frame { label } = &event.origin else {
                    return Err(HandlerError::new("Error", "ask comes from a frame"));
                };
                let channel: String = args.get(0)?;
                let options = ferrolens_ipc::InvokeOptions {
                    timeout: Some(std::time::Duration::from_secs(5)),
                    cancel: None,
                };
                Ok(asker.request(label, &channel, (), options).await?)
            }
        })?;

        ipc.handle("reset", move |_, _| {
            *seen.lock() = Seen::default();
            async { Ok(()) }
        })?;
        Ok(())
    }
}
