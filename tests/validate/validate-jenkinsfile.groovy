// Checks Jenkinsfiles (declarative pipelines) without running them: each file
// is compiled by Groovy up to class generation, in memory (a syntax or
// compile error rejects it), and its AST is checked against the structure of
// a declarative pipeline:
//   - a single top-level `pipeline { }` block, with `agent` and `stages`,
//     only known sections, each at most once;
//   - `stages` holds at least one `stage('Name') { }` (names unique), and
//     every stage has `steps` (not empty), nested `stages` or `parallel`;
//   - every `sh` argument (or its `script:`) is a string literal, not a
//     GString or an expression;
//   - `post` only with known conditions, `when` only directly in a stage and
//     only with known conditions, `pipeline`/`agent`/`stages`/`stage`/
//     `steps`/`post` only where the pipeline structure puts them;
//   - `withCredentials([...]) { }` lists only known bindings (usernamePassword,
//     file, string, sshUserPrivateKey), each with a credentialsId and the
//     variables it needs.
// All files are checked in this one JVM (starting one is slow).
//
// Usage: groovy validate-jenkinsfile.groovy FILE...
// Prints `FILE:LINE:COLUMN: message` for each problem, then one line per file:
//   verdict<TAB>groovy<TAB>ok|invalid<TAB>FILE
// Exit status: 0 when every file is valid, 1 when some file is not, 2 when a
// file cannot be read.

import org.codehaus.groovy.ast.ASTNode
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.ModuleNode
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.ast.stmt.*
import org.codehaus.groovy.control.CompilationFailedException
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.Phases
import org.codehaus.groovy.control.SourceUnit
import org.codehaus.groovy.control.messages.ExceptionMessage
import org.codehaus.groovy.control.messages.SyntaxErrorMessage
import org.codehaus.groovy.control.messages.SimpleMessage

class PipelineChecker {
    static final Set PIPELINE_SECTIONS = ['agent', 'environment', 'libraries', 'options', 'parameters',
                                          'post', 'stages', 'tools', 'triggers'] as Set
    static final Set STAGE_SECTIONS = ['agent', 'environment', 'failFast', 'input', 'options', 'parallel',
                                       'post', 'stages', 'steps', 'tools', 'when'] as Set
    static final Set POST_CONDITIONS = ['always', 'success', 'failure', 'unstable', 'changed', 'fixed',
                                        'regression', 'aborted', 'cleanup', 'unsuccessful', 'notBuilt'] as Set
    static final Set WHEN_CONDITIONS = ['allOf', 'anyOf', 'not', 'branch', 'buildingTag', 'changelog',
                                        'changeset', 'changeRequest', 'environment', 'equals', 'expression',
                                        'tag', 'triggeredBy', 'beforeAgent', 'beforeInput', 'beforeOptions'] as Set
    static final Set AGENT_KINDS = ['label', 'node', 'docker', 'dockerfile', 'kubernetes'] as Set
    static final Set SH_OPTIONS = ['script', 'returnStdout', 'returnStatus', 'encoding', 'label'] as Set
    // Binding type: [required keys, optional keys].
    static final Map BINDINGS = [
        usernamePassword : [['credentialsId', 'usernameVariable', 'passwordVariable'], []],
        file             : [['credentialsId', 'variable'], []],
        string           : [['credentialsId', 'variable'], []],
        sshUserPrivateKey: [['credentialsId', 'keyFileVariable'], ['passphraseVariable', 'usernameVariable']],
    ]
    // Calls that only make sense at their place in the pipeline structure.
    static final Set STRUCTURAL = ['pipeline', 'agent', 'stages', 'stage', 'steps', 'post', 'when'] as Set

    final String file
    final List problems = []
    // The structural calls met where the structure allows them.
    final Set placed = Collections.newSetFromMap(new IdentityHashMap())
    final Set stageNames = [] as Set

    PipelineChecker(String file) { this.file = file }

    void problem(ASTNode node, String message) {
        int line = node != null ? Math.max(node.lineNumber, 1) : 1
        int column = node != null ? Math.max(node.columnNumber, 1) : 1
        problems << [line, column, message]
    }

    static String callName(MethodCallExpression call) {
        return call.implicitThis ? call.methodAsString : null
    }

    static List argumentsOf(MethodCallExpression call) {
        def args = call.arguments
        return args instanceof TupleExpression ? args.expressions : [args]
    }

    static ClosureExpression closureArgument(MethodCallExpression call) {
        def args = argumentsOf(call)
        return (args.size() >= 1 && args[-1] instanceof ClosureExpression) ? args[-1] : null
    }

    static List statementsOf(ClosureExpression closure) {
        def code = closure.code
        return code instanceof BlockStatement ? code.statements : [code]
    }

    static Expression expressionOf(Statement statement) {
        if (statement instanceof ExpressionStatement) return statement.expression
        if (statement instanceof ReturnStatement) return statement.expression
        return null
    }

    static boolean isStringLiteral(Expression e) {
        return e instanceof ConstantExpression && e.value instanceof String
    }

    static String describe(Expression e) {
        if (e instanceof GStringExpression) return 'a GString (interpolated by Groovy)'
        if (e instanceof ConstantExpression) return "a ${e.value == null ? 'null' : e.value.getClass().simpleName} constant"
        if (e instanceof VariableExpression) return "the variable '${e.name}'"
        return "an expression (${e.getClass().simpleName})"
    }

    // Named arguments (key: value, ...) of a call, or null when it has others.
    static Map namedArguments(MethodCallExpression call) {
        def args = call.arguments
        if (!(args instanceof TupleExpression) || args.expressions.size() != 1) return null
        def map = args.expressions[0]
        if (!(map instanceof MapExpression)) return null
        def result = [:]
        for (MapEntryExpression entry in map.mapEntryExpressions) {
            if (!isStringLiteral(entry.keyExpression)) return null
            result[entry.keyExpression.value] = entry.valueExpression
        }
        return result
    }

    // The method calls of a section's block, one per statement; anything else
    // is reported.
    List sectionCalls(ClosureExpression closure, String where) {
        def calls = []
        for (Statement statement in statementsOf(closure)) {
            def e = expressionOf(statement)
            if (e instanceof MethodCallExpression && callName(e) != null) {
                calls << e
            } else {
                problem(statement, "only directives are allowed in ${where}, found ${e != null ? describe(e) : statement.getClass().simpleName}")
            }
        }
        return calls
    }

    // Checks the sections of a pipeline or stage block and returns them by name.
    Map sections(ClosureExpression closure, Set allowed, String where) {
        def seen = [:]
        for (MethodCallExpression call in sectionCalls(closure, where)) {
            def name = callName(call)
            if (!(name in allowed)) {
                problem(call, "unknown section '${name}' in ${where} (expected one of: ${allowed.sort().join(', ')})")
                continue
            }
            if (seen.containsKey(name)) {
                problem(call, "section '${name}' appears twice in ${where}")
                continue
            }
            seen[name] = call
        }
        return seen
    }

    ClosureExpression blockOf(MethodCallExpression call, String what) {
        def args = argumentsOf(call)
        if (args.size() != 1 || !(args[0] instanceof ClosureExpression)) {
            problem(call, "'${what}' takes a single { } block")
            return null
        }
        return args[0]
    }

    void check(ModuleNode module) {
        def statements = module.statementBlock.statements
        def pipelines = []
        for (Statement statement in statements) {
            def e = expressionOf(statement)
            // A file of comments only is a script returning null.
            if (e instanceof ConstantExpression && e.value == null) continue
            if (e instanceof MethodCallExpression && callName(e) == 'pipeline') {
                pipelines << e
            } else {
                problem(statement, "only a 'pipeline { }' block is expected at the top level, found ${e != null ? describe(e) : statement.getClass().simpleName}")
            }
        }
        if (!module.classes.every { it.script }) {
            problem(module.classes.find { !it.script }, "no classes are expected in a Jenkinsfile")
        }
        if (!module.methods.isEmpty()) {
            problem(module.methods[0], "no method definitions are expected in a Jenkinsfile")
        }
        if (pipelines.isEmpty()) {
            problem(null, "no top-level 'pipeline { }' block")
        } else if (pipelines.size() > 1) {
            problem(pipelines[1], "more than one top-level 'pipeline { }' block")
        }
        if (pipelines.size() >= 1) {
            checkPipeline(pipelines[0])
        }
        checkCalls(module)
    }

    void checkPipeline(MethodCallExpression pipeline) {
        placed << pipeline
        def body = blockOf(pipeline, 'pipeline')
        if (body == null) return
        def seen = sections(body, PIPELINE_SECTIONS, 'pipeline')
        if (!seen.agent) problem(pipeline, "pipeline has no 'agent' section")
        if (!seen.stages) problem(pipeline, "pipeline has no 'stages' section")
        if (seen.agent) checkAgent(seen.agent)
        if (seen.stages) checkStages(seen.stages, 'pipeline')
        if (seen.post) checkPost(seen.post, 'pipeline')
        if (seen.environment) checkEnvironment(seen.environment)
        if (seen.options) checkOptions(seen.options)
    }

    void checkAgent(MethodCallExpression agent) {
        placed << agent
        def args = argumentsOf(agent)
        if (args.size() == 1 && args[0] instanceof VariableExpression && args[0].name in ['any', 'none']) return
        if (args.size() == 1 && args[0] instanceof ClosureExpression) {
            def kinds = sections(args[0], AGENT_KINDS, 'agent')
            if (kinds.isEmpty()) problem(agent, "'agent { }' names no agent (expected one of: ${AGENT_KINDS.sort().join(', ')})")
            return
        }
        problem(agent, "'agent' takes 'any', 'none' or a { } block")
    }

    void checkStages(MethodCallExpression stages, String where) {
        placed << stages
        def body = blockOf(stages, 'stages')
        if (body == null) return
        def calls = sectionCalls(body, "'stages' of ${where}")
        calls.findAll { callName(it) != 'stage' }.each {
            problem(it, "only 'stage' is allowed in 'stages', found '${callName(it)}'")
        }
        def stageCalls = calls.findAll { callName(it) == 'stage' }
        if (stageCalls.isEmpty()) problem(stages, "'stages' of ${where} holds no stage")
        stageCalls.each { checkStage(it) }
    }

    void checkStage(MethodCallExpression stage) {
        placed << stage
        def args = argumentsOf(stage)
        if (args.size() != 2 || !isStringLiteral(args[0]) || !(args[1] instanceof ClosureExpression)) {
            problem(stage, "a stage is written stage('Name') { ... }")
            return
        }
        String name = args[0].value
        if (name.trim().isEmpty()) problem(stage, "stage name is empty")
        if (!stageNames.add(name)) problem(stage, "duplicate stage name '${name}'")
        def where = "stage '${name}'"
        def seen = sections(args[1], STAGE_SECTIONS, where)
        def bodies = ['steps', 'stages', 'parallel'].findAll { seen.containsKey(it) }
        if (bodies.isEmpty()) {
            problem(stage, "${where} has no 'steps' (nor nested 'stages' or 'parallel')")
        } else if (bodies.size() > 1) {
            problem(stage, "${where} has more than one of ${bodies.collect { "'${it}'" }.join(', ')}")
        }
        if (seen.steps) checkSteps(seen.steps, where)
        if (seen.stages) checkStages(seen.stages, where)
        if (seen.parallel) checkParallel(seen.parallel, where)
        if (seen.agent) checkAgent(seen.agent)
        if (seen.when) checkWhen(seen.when, where)
        if (seen.post) checkPost(seen.post, where)
        if (seen.environment) checkEnvironment(seen.environment)
        if (seen.options) checkOptions(seen.options)
    }

    void checkSteps(MethodCallExpression steps, String where) {
        placed << steps
        def body = blockOf(steps, 'steps')
        if (body == null) return
        if (statementsOf(body).findAll { !(it instanceof EmptyStatement) }.isEmpty()) {
            problem(steps, "'steps' of ${where} is empty")
        }
    }

    void checkParallel(MethodCallExpression parallel, String where) {
        def body = blockOf(parallel, 'parallel')
        if (body == null) return
        def calls = sectionCalls(body, "'parallel' of ${where}")
        calls.findAll { callName(it) != 'stage' }.each {
            problem(it, "only 'stage' is allowed in 'parallel', found '${callName(it)}'")
        }
        def stageCalls = calls.findAll { callName(it) == 'stage' }
        if (stageCalls.isEmpty()) problem(parallel, "'parallel' of ${where} holds no stage")
        stageCalls.each { checkStage(it) }
    }

    void checkWhen(MethodCallExpression when, String where) {
        placed << when
        def body = blockOf(when, 'when')
        if (body == null) return
        def conditions = sectionCalls(body, "'when' of ${where}")
        if (conditions.isEmpty()) problem(when, "'when' of ${where} has no condition")
        conditions.each { checkCondition(it) }
    }

    void checkCondition(MethodCallExpression condition) {
        def name = callName(condition)
        if (!(name in WHEN_CONDITIONS)) {
            problem(condition, "unknown 'when' condition '${name}' (expected one of: ${WHEN_CONDITIONS.sort().join(', ')})")
            return
        }
        if (name in ['allOf', 'anyOf', 'not']) {
            def body = blockOf(condition, name)
            if (body == null) return
            def nested = sectionCalls(body, "'${name}'")
            if (nested.isEmpty()) problem(condition, "'${name}' has no condition")
            if (name == 'not' && nested.size() > 1) problem(condition, "'not' takes a single condition")
            nested.each { checkCondition(it) }
        } else if (name == 'expression') {
            blockOf(condition, name)
        }
    }

    void checkPost(MethodCallExpression post, String where) {
        placed << post
        def body = blockOf(post, 'post')
        if (body == null) return
        def seen = [] as Set
        def conditions = sectionCalls(body, "'post' of ${where}")
        if (conditions.isEmpty()) problem(post, "'post' of ${where} has no condition")
        for (MethodCallExpression condition in conditions) {
            def name = callName(condition)
            if (!(name in POST_CONDITIONS)) {
                problem(condition, "unknown 'post' condition '${name}' (expected one of: ${POST_CONDITIONS.sort().join(', ')})")
            } else if (!seen.add(name)) {
                problem(condition, "'post' condition '${name}' appears twice in ${where}")
            } else {
                blockOf(condition, name)
            }
        }
    }

    void checkEnvironment(MethodCallExpression environment) {
        def body = blockOf(environment, 'environment')
        if (body == null) return
        for (Statement statement in statementsOf(body)) {
            def e = expressionOf(statement)
            if (e instanceof DeclarationExpression) {
                problem(statement, "'environment' sets variables as NAME = value, without 'def'")
            } else if (!(e instanceof BinaryExpression) || e.operation.text != '=' ||
                       !(e.leftExpression instanceof VariableExpression)) {
                problem(statement, "'environment' only holds NAME = value assignments")
            } else if (!(e.leftExpression.name ==~ /[A-Za-z_][A-Za-z0-9_]*/)) {
                problem(statement, "bad environment variable name '${e.leftExpression.name}'")
            }
        }
    }

    void checkOptions(MethodCallExpression options) {
        def body = blockOf(options, 'options')
        if (body != null) sectionCalls(body, "'options'")
    }

    // Checks over every call of the file, wherever it is.
    void checkCalls(ModuleNode module) {
        def checker = this
        def visitor = new CodeVisitorSupport() {
            void visitMethodCallExpression(MethodCallExpression call) {
                def name = callName(call)
                if (name == 'sh') checker.checkSh(call)
                if (name == 'withCredentials') checker.checkWithCredentials(call)
                if (name in STRUCTURAL && !checker.placed.contains(call)) {
                    checker.problem(call, name == 'when'
                        ? "'when' is only allowed directly in a stage"
                        : "'${name}' is not allowed here")
                }
                super.visitMethodCallExpression(call)
            }
        }
        module.statementBlock.visit(visitor)
    }

    void checkSh(MethodCallExpression call) {
        def named = namedArguments(call)
        if (named != null) {
            if (!named.containsKey('script')) {
                problem(call, "'sh' has no script")
            } else if (!isStringLiteral(named.script)) {
                problem(named.script, "the script of 'sh' must be a string literal, not ${describe(named.script)}")
            }
            named.keySet().findAll { !(it in SH_OPTIONS) }.each {
                problem(call, "unknown 'sh' option '${it}'")
            }
            return
        }
        def args = argumentsOf(call)
        if (args.size() != 1) {
            problem(call, "'sh' takes one string literal")
        } else if (!isStringLiteral(args[0])) {
            problem(args[0], "the argument of 'sh' must be a string literal, not ${describe(args[0])}")
        }
    }

    void checkWithCredentials(MethodCallExpression call) {
        def args = argumentsOf(call)
        if (args.size() != 2 || !(args[0] instanceof ListExpression) || !(args[1] instanceof ClosureExpression)) {
            problem(call, "withCredentials is written withCredentials([binding(...), ...]) { ... }")
            return
        }
        if (args[0].expressions.isEmpty()) problem(call, "withCredentials lists no binding")
        for (Expression binding in args[0].expressions) {
            def type = binding instanceof MethodCallExpression ? callName(binding) : null
            if (type == null || !BINDINGS.containsKey(type)) {
                problem(binding, "unknown credentials binding ${type != null ? "'${type}'" : describe(binding)} (expected one of: ${BINDINGS.keySet().sort().join(', ')})")
                continue
            }
            def named = namedArguments(binding)
            if (named == null) {
                problem(binding, "'${type}' takes named arguments only")
                continue
            }
            def (required, optional) = BINDINGS[type]
            required.findAll { !named.containsKey(it) }.each {
                problem(binding, "'${type}' has no '${it}'")
            }
            named.keySet().findAll { !(it in required) && !(it in optional) }.each {
                problem(binding, "unknown '${type}' argument '${it}'")
            }
            named.each { key, value ->
                if (!isStringLiteral(value) || value.value.isEmpty()) {
                    problem(value, "'${type}' argument '${key}' must be a non-empty string literal")
                }
            }
        }
    }
}

int status = 0
for (String path in args) {
    def file = new File(path)
    if (!file.canRead()) {
        System.err.println("validate-jenkinsfile: cannot read ${path}")
        status = 2
        continue
    }
    def problems = []
    def config = new CompilerConfiguration()
    config.sourceEncoding = 'UTF-8'
    def unit = new CompilationUnit(config)
    SourceUnit source = unit.addSource(file)
    try {
        unit.compile(Phases.CONVERSION)
        def checker = new PipelineChecker(path)
        checker.check(source.AST)
        problems.addAll(checker.problems)
        // The rest of the compilation, in memory (nothing is written).
        unit.compile(Phases.CLASS_GENERATION)
    } catch (CompilationFailedException e) {
        for (message in unit.errorCollector.errors) {
            if (message instanceof SyntaxErrorMessage) {
                def cause = message.cause
                problems << [cause.line, cause.startColumn, "Groovy: ${cause.originalMessage.trim()}"]
            } else if (message instanceof ExceptionMessage) {
                problems << [1, 1, "Groovy: ${message.cause.toString().trim()}"]
            } else if (message instanceof SimpleMessage) {
                problems << [1, 1, "Groovy: ${message.message.trim()}"]
            } else {
                problems << [1, 1, "Groovy: ${message}"]
            }
        }
        if (problems.isEmpty()) problems << [1, 1, "Groovy: ${e.message.trim()}"]
    }
    problems.sort { a, b -> a[0] <=> b[0] ?: a[1] <=> b[1] }.each {
        println("${path}:${it[0]}:${it[1]}: ${it[2]}")
    }
    println("verdict\tgroovy\t${problems.isEmpty() ? 'ok' : 'invalid'}\t${path}")
    if (!problems.isEmpty() && status == 0) status = 1
}
System.exit(status)
