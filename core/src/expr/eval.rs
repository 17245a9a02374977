//! Evaluation: runs a [`Program`]'s instructions, each over whole columns.

use super::column::{Column, Data};
use super::compile::{Operand, Program};
use super::kernels::exec;
use super::types::Type;

/// The input of an evaluation: columns over the same rows (entities), by slot.
pub trait Frame {
    /// Number of rows; every column read must have exactly this many.
    fn rows(&self) -> usize;

    /// The column at `slot`, or `None` if the frame has none there.
    fn column(&self, slot: usize) -> Option<&Column>;
}

/// A frame kept as a vector of columns, slot = position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VecFrame {
    rows: usize,
    columns: Vec<Column>,
}

impl VecFrame {
    /// A frame of `rows` rows holding `columns` at slots 0, 1, ...
    pub fn new(rows: usize, columns: Vec<Column>) -> VecFrame {
        VecFrame { rows, columns }
    }
}

impl Frame for VecFrame {
    fn rows(&self) -> usize {
        self.rows
    }

    fn column(&self, slot: usize) -> Option<&Column> {
        self.columns.get(slot)
    }
}

/// The frame does not match what the program was compiled against (a caller bug, not a
/// problem of the expression).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// No column at a slot the program reads.
    #[error("frame has no column at slot {slot}")]
    MissingColumn {
        /// The slot.
        slot: usize,
    },
    /// A column's length differs from the frame's row count.
    #[error("column at slot {slot} has {found} rows, the frame has {expected}")]
    WrongLength {
        /// The slot.
        slot: usize,
        /// The frame's row count.
        expected: usize,
        /// The column's length.
        found: usize,
    },
    /// A column's values are not of the type the catalogue bound the slot to.
    #[error("column at slot {slot} holds {found} values, the catalogue bound it to {expected}")]
    WrongType {
        /// The slot.
        slot: usize,
        /// The bound type.
        expected: Type,
        /// The column's type.
        found: Type,
    },
}

impl FrameError {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            FrameError::MissingColumn { .. } => "frame.missing_column",
            FrameError::WrongLength { .. } => "frame.length",
            FrameError::WrongType { .. } => "frame.type",
        }
    }
}

/// Whether a column's storage can serve a slot bound to `ty`.
fn fits(column: &Column, ty: Type) -> bool {
    match (&column.data, ty) {
        // All rows unknown: fits any slot.
        (Data::Null, _) => true,
        (Data::Dec(_), Type::Number | Type::Percent | Type::Points) => true,
        (Data::Bool(_), Type::Bool) => true,
        (Data::Str(_), Type::Str) => true,
        _ => false,
    }
}

/// Evaluates `program` over every row of `frame` at once; the result has `frame.rows()` rows
/// and the type [`Program::ty`].
///
/// ```
/// use oko::expr::{compile_str, eval, Binding, Column, Limits, MapCatalogue, Reason, Type, VecFrame};
/// use rust_decimal::Decimal;
/// let cat = MapCatalogue::new().with_name("pass_rate", Binding { slot: 0, ty: Type::Percent });
/// let program = compile_str("pass_rate >= 90%", &Limits::default(), &cat).unwrap();
/// let rates = Column::percents(
///     vec![Some(Decimal::from(92)), None],
///     Reason::Missing { name: "pass_rate".into() },
/// );
/// let result = eval(&program, &VecFrame::new(2, vec![rates])).unwrap();
/// assert_eq!(result.bool(0), Some(true));
/// assert_eq!(result.reason(1).map(|r| r.to_string()).as_deref(), Some("missing value for pass_rate"));
/// ```
pub fn eval(program: &Program, frame: &dyn Frame) -> Result<Column, FrameError> {
    let rows = frame.rows();
    let mut inputs: Vec<&Column> = Vec::with_capacity(program.inputs.len());
    for &(slot, ty) in &program.inputs {
        let column = frame
            .column(slot)
            .ok_or(FrameError::MissingColumn { slot })?;
        if column.len() != rows {
            return Err(FrameError::WrongLength {
                slot,
                expected: rows,
                found: column.len(),
            });
        }
        let ok = if ty == Type::Null {
            matches!(column.data, Data::Null)
        } else {
            fits(column, ty)
        };
        if !ok {
            return Err(FrameError::WrongType {
                slot,
                expected: ty,
                found: column.ty,
            });
        }
        inputs.push(column);
    }
    if rows <= WINDOW_ROWS {
        let mut result = run(program, &inputs, rows);
        result.ty = program.ty;
        return Ok(result);
    }
    // Long frames run in windows of rows, so that memory is bounded by the window whatever
    // the program holds at once (every argument of `min(a + 1, ..., a + 2000)` is live
    // together; a million rows of each would be gigabytes). Rows are independent, so the
    // result is the same.
    let mut parts = Vec::with_capacity(rows.div_ceil(WINDOW_ROWS));
    let mut start = 0;
    while start < rows {
        let end = (start + WINDOW_ROWS).min(rows);
        let window: Vec<Column> = inputs.iter().map(|c| c.slice(start..end)).collect();
        let refs: Vec<&Column> = window.iter().collect();
        parts.push(run(program, &refs, end - start));
        start = end;
    }
    Ok(Column::concat(program.ty, parts))
}

/// Rows evaluated at once; longer frames run window by window.
const WINDOW_ROWS: usize = 4096;

/// Runs the instructions over `rows` rows of `inputs` (already checked against the program).
fn run(program: &Program, inputs: &[&Column], rows: usize) -> Column {
    // Constants are one-row columns, broadcast for the instruction that reads them and
    // dropped after it: memory is the live registers plus one instruction's arguments, not
    // every constant of the program at once (a sum of 500 terms `(a + k)` would otherwise
    // hold 500 full columns).
    let mut regs: Vec<Option<Column>> = vec![None; program.regs];
    for ins in &program.instrs {
        let out = {
            let wide: Vec<Option<Column>> = ins
                .args
                .iter()
                .map(|a| match *a {
                    Operand::Const(i) => Some(program.consts[i].broadcast(rows)),
                    _ => None,
                })
                .collect();
            let args: Vec<&Column> = ins
                .args
                .iter()
                .zip(&wide)
                .map(|(a, w)| match (*a, w) {
                    (_, Some(c)) => c,
                    (Operand::Input(i), None) => inputs[i],
                    (Operand::Reg(r), None) => regs[r]
                        .as_ref()
                        .expect("compile frees a register only after its last use"),
                    (Operand::Const(_), None) => unreachable!("constants are broadcast above"),
                })
                .collect();
            exec(ins.op, &args, rows, ins.ty)
        };
        regs[ins.dst] = Some(out);
        for &r in &ins.frees {
            regs[r] = None;
        }
    }
    match program.result {
        Operand::Const(i) => program.consts[i].broadcast(rows),
        Operand::Input(i) => inputs[i].clone(),
        Operand::Reg(r) => regs[r].take().expect("the result register is never freed"),
    }
}
