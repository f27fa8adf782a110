//! A component for the WebAssembly host's tests: one channel per thing a main part can do or
//! get wrong. Its behaviour at activation follows its extension id, so one build serves every
//! case:
//!
//! - `failing-activation`: `activate` returns an error;
//! - `looping-activation`: `activate` never returns;
//! - `dawdler`: also a listener on `dawdle` that waits forever;
//! - anything else: registers the handlers below and a listener on `note`.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use ferrolens_guest::{
    export, Args, Disposer, Extension, ExtensionContext, Graph, HandlerError, Ipc, IpcError,
    IpcEvent, MainIpc, Origin,
};
use serde::{Deserialize, Serialize};

thread_local! {
    /// Calls to `count` in this instance: a fresh instance starts again at 1.
    static COUNT: Cell<u32> = const { Cell::new(0) };
    /// What the listener on `note` heard last: its origin and first argument.
    static HEARD: RefCell<Option<(String, Graph)>> = const { RefCell::new(None) };
    /// The listener on `note`, until `unlisten`.
    static NOTE_LISTENER: RefCell<Option<Disposer>> = const { RefCell::new(None) };
    /// The data folder the host granted, if any.
    static DATA_DIR: RefCell<Option<String>> = const { RefCell::new(None) };
    /// How the last `ask` ended: `ok` or the error code.
    static ASKED: RefCell<String> = const { RefCell::new(String::new()) };
    /// The steps the last `pace` took, and whether it saw its call cancelled.
    static PACED: Cell<(u32, bool)> = const { Cell::new((0, false)) };
    /// Memory held by `grow` (never released: the point is to hit the cap).
    static HOARD: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

#[derive(Debug, Serialize, Deserialize)]
struct Note {
    title: String,
    tags: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Summary {
    title: String,
    tag_count: usize,
}

fn origin_name(origin: &Origin) -> String {
    match origin {
        Origin::Main => "main".to_string(),
        Origin::Frame { label } => format!("frame:{label}"),
    }
}

/// The error code of a refused operation, as a string a test can read.
fn code_of(result: Result<(), IpcError>) -> String {
    match result {
        Ok(()) => "ok".to_string(),
        Err(err) => err.code.as_str().to_string(),
    }
}

struct EchoIpc(Ipc);

impl MainIpc for EchoIpc {
    fn init(ipc: Ipc) -> Result<Self, IpcError> {
        // Values: the first argument back, with full fidelity.
        ipc.handle("echo", |_event, args: Args| Ok(args.into_arg(0)))?;
        // Typed arguments through serde.
        ipc.handle("add", |_event, args| {
            Ok(args.get::<i64>(0)? + args.get::<i64>(1)?)
        })?;
        ipc.handle("summarize", |_event, args| {
            let note: Note = args.get(0)?;
            Ok(Summary {
                tag_count: note.tags.len(),
                title: note.title,
            })
        })?;
        ipc.handle("who", |event: &IpcEvent, _args| {
            Ok(format!(
                "{} on {}",
                origin_name(&event.origin),
                event.channel
            ))
        })?;
        // Errors.
        ipc.handle("fail", |_event, _args| -> Result<(), HandlerError> {
            Err(HandlerError::new("NotFound", "no note called x")
                .with_code("ENOENT")
                .with_data(serde_json::json!({ "title": "x" })))
        })?;
        ipc.handle("refuse", |_event, _args| -> Result<(), HandlerError> {
            Err(IpcError::new(ferrolens_guest::ErrorCode::Forbidden, "not for you").into())
        })?;
        // State: a fresh instance counts from 1 again.
        ipc.handle("count", |_event, _args| {
            Ok(COUNT.with(|count| {
                count.set(count.get() + 1);
                count.get()
            }))
        })?;
        // Broadcasts: main sends, its own listener hears.
        ipc.handle("broadcast", |_event, args| {
            let channel: String = args.get(0)?;
            ipc_of().broadcast(&channel, (args.arg(1),))?;
            Ok(())
        })?;
        ipc.handle("heard", |_event, _args| {
            Ok(HEARD.with(|heard| {
                heard
                    .borrow()
                    .as_ref()
                    .map(|(origin, value)| (origin.clone(), value.clone()))
            }))
        })?;
        ipc.handle("unlisten", |_event, _args| {
            if let Some(listener) = NOTE_LISTENER.with(|l| l.borrow_mut().take()) {
                listener.dispose();
            }
            Ok(())
        })?;
        // Main asks a frame.
        ipc.handle("ask", |_event, args| {
            let frame: String = args.get(0)?;
            let channel: String = args.get(1)?;
            let timeout = args.get::<Option<u64>>(3)?.map(Duration::from_millis);
            let asked = ipc_of().request(&frame, &channel, (args.arg(2),), timeout);
            let code = asked
                .as_ref()
                .map_or_else(|err| err.code.as_str(), |_| "ok");
            ASKED.with(|a| *a.borrow_mut() = code.to_string());
            match asked {
                Ok(answer) => Ok((String::from("ok"), answer)),
                Err(err) => Ok((
                    err.code.as_str().to_string(),
                    Graph::from(serde_json::json!(err.message)),
                )),
            }
        })?;
        ipc.handle("asked", |_event, _args| {
            Ok(ASKED.with(|a| a.borrow().clone()))
        })?;
        // What the host refuses.
        ipc.handle("refusals", |_event, _args| {
            let ipc = ipc_of();
            let twice = code_of(ipc.handle("echo", |_e, _a| Ok(())));
            let bad_listen = code_of(ipc.listen("not a channel!", |_e, _a| {}).map(drop));
            let bad_broadcast = code_of(ipc.broadcast("ferrolens:reserved", ()));
            let bad_handle = code_of(ipc.handle("", |_e, _a| Ok(())));
            Ok(vec![twice, bad_listen, bad_broadcast, bad_handle])
        })?;
        // The sandbox: what the component can see of the machine.
        ipc.handle("sandbox", |_event, _args| {
            let env = std::env::vars().count();
            let args = std::env::args().count();
            let root = std::fs::read_dir("/")
                .map(|dir| dir.count())
                .map_err(|e| e.to_string());
            let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| e.kind().to_string());
            let net = std::net::TcpStream::connect("127.0.0.1:9")
                .map(drop)
                .map_err(|e| e.kind().to_string());
            Ok(serde_json::json!({
                "env": env,
                "args": args,
                "root": format!("{root:?}"),
                "passwd": passwd.err(),
                "net": net.err(),
            }))
        })?;
        ipc.handle("data", |_event, args| {
            let Some(dir) = DATA_DIR.with(|dir| dir.borrow().clone()) else {
                return Ok(None);
            };
            let text: String = args.get(0)?;
            let file = format!("{dir}/note.txt");
            std::fs::write(&file, &text)?;
            let back = std::fs::read_to_string(&file)?;
            let escape = std::fs::read_to_string(format!("{dir}/../outside.txt")).is_ok();
            Ok(Some((dir, back, escape)))
        })?;
        // A hostile main part's try at a path it should not reach: the text, or why not.
        ipc.handle("read", |_event, args| {
            let path: String = args.get(0)?;
            Ok(std::fs::read_to_string(&path).map_err(|e| e.kind().to_string()))
        })?;
        ipc.handle("log", |_event, args| {
            ferrolens_guest::log::info(&args.get::<String>(0)?);
            Ok(())
        })?;
        // Cancellation: `pace` takes its first argument's steps of its second's ms each, stopping
        // at the cancellation; `paced` tells what the last one did.
        ipc.handle("pace", |event, args| {
            let (steps, ms): (u32, u64) = (args.get(0)?, args.get(1)?);
            for done in 0..steps {
                PACED.with(|p| p.set((done, event.is_cancelled())));
                if let Err(cancelled) = event.wait(Duration::from_millis(ms)) {
                    PACED.with(|p| p.set((done, true)));
                    return Err(cancelled);
                }
            }
            PACED.with(|p| p.set((steps, false)));
            Ok(steps)
        })?;
        ipc.handle("paced", |_event, _args| Ok(PACED.with(Cell::get)))?;
        // Faults.
        ipc.handle("loop", |_event, _args| -> Result<(), HandlerError> {
            let mut spins = 0u64;
            loop {
                spins = std::hint::black_box(spins.wrapping_add(1));
            }
        })?;
        ipc.handle("grow", |_event, _args| -> Result<(), HandlerError> {
            loop {
                HOARD.with(|hoard| hoard.borrow_mut().push(vec![1u8; 1 << 20]));
            }
        })?;
        ipc.handle("allocate", |_event, args| {
            let mib: usize = args.get(0)?;
            let block = vec![7u8; mib << 20];
            Ok(block.iter().map(|b| *b as usize).sum::<usize>() >> 20)
        })?;
        ipc.handle("panic", |_event, _args| -> Result<(), HandlerError> {
            panic!("the echo component panicked on purpose")
        })?;
        let note = ipc.listen("note", |event, args| {
            let heard = (origin_name(&event.origin), args.arg(0));
            HEARD.with(|h| *h.borrow_mut() = Some(heard));
        })?;
        NOTE_LISTENER.with(|l| *l.borrow_mut() = Some(note));
        ipc.listen("spin", |_event, _args| loop {
            std::hint::black_box(());
        })?;
        Ok(Self(ipc))
    }
}

fn ipc_of() -> Ipc {
    EchoIpc::get_instance()
        .map(|echo| echo.0)
        .unwrap_or_default()
}

struct Echo;

impl Extension for Echo {
    fn activate(ctx: &ExtensionContext) -> Result<(), HandlerError> {
        match ctx.id() {
            "failing-activation" => Err(HandlerError::new(
                "SetupError",
                "the echo component refuses to start",
            )
            .with_code("NOPE")),
            "looping-activation" => loop {
                std::hint::black_box(());
            },
            _ => {
                DATA_DIR.with(|dir| *dir.borrow_mut() = ctx.data_dir().map(String::from));
                EchoIpc::create_instance(ctx)?;
                if ctx.id() == "dawdler" {
                    // A listener that never returns, only ever waiting.
                    ctx.ipc().listen("dawdle", |event, _args| loop {
                        let _ = event.wait(Duration::from_millis(50));
                    })?;
                }
                ctx.on_dispose(|| ferrolens_guest::log::info("disposed"));
                Ok(())
            }
        }
    }

    fn deactivate(ctx: &ExtensionContext) {
        // The namespace is still open: the test sees this broadcast reach the frames.
        let _ = ctx.ipc().broadcast("bye", (ctx.id(),));
    }
}

export!(Echo);
