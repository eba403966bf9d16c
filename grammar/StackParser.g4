// Syntax of the stack language. Names, types and references are checked
// later, in frontend/sema. Every part the AST is built from has a label:
// a valid file is parsed without a parse tree (frontend/parse/parser.cc),
// and the labels are then all there is to read.
parser grammar StackParser;

options { tokenVocab = StackLexer; }

file        : decls+=decl* EOF;

decl        : declStack=stackDecl
            | declImport=importDecl
            | declParam=paramDecl
            | declTemplate=templateDecl
            | declComponent=componentDecl
            | declProfile=profileDecl
            | declSettings=settingsDecl
            ;

stackDecl     : STACK name=declName;
importDecl    : IMPORT target=STRING;
paramDecl     : PARAM name=declName (COLON typeName=IDENT)? (EQ defaultValue=value)?;
templateDecl  : TEMPLATE name=declName COLON base=baseName contents=body;
componentDecl : kind=componentKind name=declName (COLON base=baseName)? contents=body;
profileDecl   : PROFILE name=declName LBRACE entries+=profileEntry* RBRACE;
// Stack-level settings of one target, such as `ecs { cluster = "x" }`. The
// name is an identifier rather than a keyword so that a target can gain
// settings without reserving a word; sema checks it against the schema.
settingsDecl  : name=IDENT contents=body;

// Keywords are accepted here only to say clearly that they cannot be names.
declName      : word=(IDENT | STACK | IMPORT | PARAM | APP | DATABASE | TASK | BALANCER
                    | PROFILE | TEMPLATE | TRUE | FALSE);

componentKind : word=(APP | DATABASE | TASK | BALANCER);
baseName      : word=IDENT | kindName=componentKind;

// Every choice below but a list's trailing comma is made on the next token
// alone (LL(1)): ANTLR then generates a switch for it instead of calling its
// adaptive prediction, which cost a tenth of parsing a large stack. Hence a
// member's two forms share their name, a map's separators follow each entry,
// and a call is a path with arguments (the parser reports `a.b(x)`).
body        : LBRACE members+=member* RBRACE;
member      : name=IDENT (eq=EQ assigned=value | block=body);

profileEntry : target=path EQ assigned=value;
path        : parts+=IDENT (DOT parts+=IDENT)*;

value       : text=STRING                # stringValue
            | number=INT                 # intValue
            | quantity=UNIT_NUMBER       # unitValue
            | decimal=DECIMAL            # decimalValue
            | truth=(TRUE | FALSE)       # boolValue
            | open=LBRACK (items+=value (COMMA items+=value)* COMMA?)? close=RBRACK   # listValue
            | open=LBRACE (entries+=mapEntry COMMA?)* close=RBRACE                   # mapValue
            | target=path call=arguments?                                            # pathValue
            ;

arguments   : LPAREN (items+=value (COMMA items+=value)*)? RPAREN;

mapEntry    : key=(IDENT | STRING) EQ assigned=value;
